dnl config.m4 for the smtp extension
PHP_ARG_ENABLE([smtp], [whether to enable smtp (SMTP transport for mail())],
  [AS_HELP_STRING([--enable-smtp], [Enable the smtp extension])], [no])
PHP_ARG_ENABLE([smtp-dev], [whether to build smtp with -Wall -Wextra -Werror],
  [AS_HELP_STRING([--enable-smtp-dev], [smtp: development build, warnings are errors])], [no], [no])
PHP_ARG_WITH([smtp-oauth], [whether smtp fetches OAuth2 tokens with libcurl],
  [AS_HELP_STRING([--without-smtp-oauth], [smtp: no OAuth2 token refresh (no libcurl)])], [yes], [no])

if test "$PHP_SMTP" != "no"; then
  PHP_SETUP_OPENSSL(SMTP_SHARED_LIBADD, [], [AC_MSG_ERROR([smtp needs OpenSSL (libssl-dev)])])
  dnl c-ares: name resolution bounded by the deadline (ext/core/net.c)
  PKG_CHECK_MODULES([CARES], [libcares], [], [AC_MSG_ERROR([smtp needs c-ares (libc-ares-dev)])])
  PHP_EVAL_INCLINE($CARES_CFLAGS)
  PHP_EVAL_LIBLINE($CARES_LIBS, SMTP_SHARED_LIBADD)
  SMTP_CFLAGS="-DZEND_ENABLE_STATIC_TSRMLS_CACHE=1"
  dnl OAuth (issue 11): libcurl fetches and refreshes XOAUTH2 access tokens (ext/core/oauth_curl.c);
  dnl --without-smtp-oauth builds without it (oauth_curl.c then only says so)
  if test "$PHP_SMTP_OAUTH" != "no"; then
    PKG_CHECK_MODULES([CURL], [libcurl], [],
      [AC_MSG_ERROR([smtp needs libcurl for OAuth (libcurl4-openssl-dev), or configure --without-smtp-oauth])])
    PHP_EVAL_INCLINE($CURL_CFLAGS)
    PHP_EVAL_LIBLINE($CURL_LIBS, SMTP_SHARED_LIBADD)
    AC_DEFINE([HAVE_SMTP_OAUTH], [1], [smtp: OAuth token refresh over libcurl])
    SMTP_CFLAGS="$SMTP_CFLAGS -DHAVE_SMTP_OAUTH=1"
  fi
  PHP_SUBST(SMTP_SHARED_LIBADD)
  if test "$PHP_SMTP_DEV" != "no"; then
    SMTP_CFLAGS="$SMTP_CFLAGS -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers"
  fi
  dnl ext/core in layers, lowest first; a file includes headers of its own layer or a lower one
  dnl (php_tests/unit/run.sh checks it against these lists, docs/architecture.md explains them)
  dnl header-only: event.h FORMATS
  SMTP_SUPPORT="buf.c strlist.c base64.c clock.c body.c wbuf.c"
  SMTP_FORMATS="error.c address.c reply.c ehlo.c message.c sendmail_args.c settings.c hint.c json.c spool_entry.c"
  SMTP_WIRE="net.c tls.c chat.c data.c bdat.c dkim.c"
  SMTP_PROTOCOL="sasl.c auth.c session.c transaction.c"
  SMTP_DELIVERY="route.c pool.c submit.c result.c oauth.c oauth_curl.c log.c spool.c"
  SMTP_CORE=""
  for f in $SMTP_SUPPORT $SMTP_FORMATS $SMTP_WIRE $SMTP_PROTOCOL $SMTP_DELIVERY; do
    SMTP_CORE="$SMTP_CORE ext/core/$f"
  done
  SMTP_BINDING="ext/smtp.c ext/smtp_settings.c ext/smtp_ini.c ext/smtp_mail.c ext/smtp_mail_paths.c ext/smtp_array.c ext/smtp_functions.c ext/smtp_oauth.c ext/smtp_spool.c ext/smtp_dkim.c ext/smtp_prepare.c"
  PHP_NEW_EXTENSION(smtp, $SMTP_BINDING $SMTP_CORE, $ext_shared,, $SMTP_CFLAGS)
  PHP_ADD_BUILD_DIR($ext_builddir/ext)
  PHP_ADD_BUILD_DIR($ext_builddir/ext/core)
  PHP_ADD_MAKEFILE_FRAGMENT
fi
