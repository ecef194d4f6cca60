/* The HTTPS POST of a token request, with libcurl: the only file that includes <curl/curl.h>. Without
 * HAVE_SMTP_OAUTH (./configure --without-smtp-oauth) every POST fails with SMTP_CAUSE_OAUTH_NOT_BUILT.
 * Pure C. */
#include "oauth.h"

#include "clock.h"

#include <stdio.h>
#include <string.h>

#ifdef HAVE_SMTP_OAUTH
#include <curl/curl.h>

int smtp_oauth_built(void)
{
	return 1;
}

const char *smtp_oauth_library(void)
{
	return curl_version();
}

int smtp_oauth_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void smtp_oauth_global_cleanup(void)
{
	curl_global_cleanup();
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	smtp_buf *b = ud;

	if (n && size > (size_t)-1 / n) {
		return 0;
	}
	return smtp_buf_append(b, p, size * n) == 0 ? size * n : 0; /* 0: too big, the transfer stops */
}

/* The certificate problem behind CURLE_PEER_FAILED_VERIFICATION (X509_V_ERR_* numbers). */
static smtp_cause cert_cause(long v)
{
	switch (v) {
	case 18: /* X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT */
	case 19: /* X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN */
		return SMTP_CAUSE_CERT_SELF_SIGNED;
	case 2:  /* X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT */
	case 20: /* X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY */
	case 21: /* X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE */
		return SMTP_CAUSE_CERT_UNKNOWN_CA;
	case 9:  /* X509_V_ERR_CERT_NOT_YET_VALID */
	case 10: /* X509_V_ERR_CERT_HAS_EXPIRED */
		return SMTP_CAUSE_CERT_DATES;
	case 62: /* X509_V_ERR_HOSTNAME_MISMATCH */
		return SMTP_CAUSE_CERT_NAME;
	default:
		return SMTP_CAUSE_CERT_OTHER;
	}
}

int smtp_http_post_curl(void *ctx, const smtp_http_request *rq, smtp_http_response *rs)
{
	char ebuf[CURL_ERROR_SIZE], secs[32];
	struct curl_slist *hdr = NULL;
	int64_t t0 = smtp_now_ms(), left = rq->deadline - t0;
	CURLcode res;
	CURL *h;

	(void)ctx;
	rs->status = 0;
	rs->cause = SMTP_CAUSE_NONE;
	rs->err[0] = '\0';
	if (left <= 0) {
		rs->cause = SMTP_CAUSE_TIMEOUT;
		snprintf(rs->err, sizeof(rs->err), "no time left (smtp.timeout)");
		return -1;
	}
	h = curl_easy_init();
	if (!h) {
		rs->cause = SMTP_CAUSE_NOMEM;
		snprintf(rs->err, sizeof(rs->err), "libcurl could not start");
		return -1;
	}
	ebuf[0] = '\0';
	hdr = curl_slist_append(NULL, "Accept: application/json");
	curl_easy_setopt(h, CURLOPT_URL, rq->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);           /* no SIGALRM in a PHP process: the threaded resolver */
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)left); /* the whole transfer, DNS and TLS included */
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)left);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->form); /* not copied: the caller wipes it */
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)rq->form_len);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "php-smtp-extension");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &rs->body);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, rq->verify_peer ? 1L : 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, rq->verify_peer ? 2L : 0L);
	curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (rq->cafile && rq->cafile[0]) {
		curl_easy_setopt(h, CURLOPT_CAINFO, rq->cafile);
	}
	res = curl_easy_perform(h);
	if (res == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &rs->status);
	} else {
		long v = 0;
		const char *what = ebuf[0] ? ebuf : curl_easy_strerror(res);
		switch (res) {
		case CURLE_OPERATION_TIMEDOUT:
			rs->cause = SMTP_CAUSE_TIMEOUT;
			smtp_fmt_secs(smtp_now_ms() - t0, secs, sizeof(secs));
			snprintf(rs->err, sizeof(rs->err), "timed out after %s s (smtp.timeout)", secs);
			what = NULL;
			break;
		case CURLE_COULDNT_RESOLVE_HOST:
			rs->cause = SMTP_CAUSE_RESOLVE;
			break;
		case CURLE_COULDNT_CONNECT:
			rs->cause = SMTP_CAUSE_REFUSED;
			break;
		case CURLE_PEER_FAILED_VERIFICATION:
			curl_easy_getinfo(h, CURLINFO_SSL_VERIFYRESULT, &v);
			/* the chain verified and still refused: libcurl's own host name check ("no alternative
			 * certificate subject name matches target host name"), which leaves X509_V_OK or sets
			 * X509_V_ERR_UNSPECIFIED (1, what libcurl 7.88 does); nothing else of ours sets them */
			rs->cause = v == 0 || v == 1 ? SMTP_CAUSE_CERT_NAME : cert_cause(v);
			break;
		case CURLE_SSL_CACERT_BADFILE:
			rs->cause = SMTP_CAUSE_CAFILE;
			break;
		case CURLE_SSL_CONNECT_ERROR:
			rs->cause = SMTP_CAUSE_TLS_HANDSHAKE;
			break;
		case CURLE_WRITE_ERROR:
			rs->cause = SMTP_CAUSE_OAUTH_ENDPOINT;
			snprintf(rs->err, sizeof(rs->err), "the answer is larger than %d bytes", SMTP_OAUTH_ANSWER_MAX);
			what = NULL;
			break;
		case CURLE_UNSUPPORTED_PROTOCOL:
			rs->cause = SMTP_CAUSE_CONFIG;
			break;
		case CURLE_GOT_NOTHING:
		case CURLE_RECV_ERROR:
		case CURLE_SEND_ERROR:
			rs->cause = SMTP_CAUSE_CLOSED;
			break;
		default:
			rs->cause = SMTP_CAUSE_IO;
			break;
		}
		if (what) {
			size_t n;
			snprintf(rs->err, sizeof(rs->err), "%s", what);
			n = strlen(rs->err);
			while (n > 0 && (rs->err[n - 1] == '\n' || rs->err[n - 1] == '.')) {
				rs->err[--n] = '\0';
			}
		}
	}
	curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	return res == CURLE_OK ? 0 : -1;
}

#else /* built without OAuth */

int smtp_oauth_built(void)
{
	return 0;
}

const char *smtp_oauth_library(void)
{
	return "not built";
}

int smtp_oauth_global_init(void)
{
	return 0;
}

void smtp_oauth_global_cleanup(void)
{
}

int smtp_http_post_curl(void *ctx, const smtp_http_request *rq, smtp_http_response *rs)
{
	(void)ctx;
	(void)rq;
	rs->status = 0;
	rs->cause = SMTP_CAUSE_OAUTH_NOT_BUILT;
	snprintf(rs->err, sizeof(rs->err),
	         "this build of the smtp extension has no OAuth (it was configured with --without-smtp-oauth)");
	return -1;
}

#endif
