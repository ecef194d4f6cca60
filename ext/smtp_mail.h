/* mail() over SMTP: the handler swapped in at MINIT. */
#ifndef SMTP_MAIL_H
#define SMTP_MAIL_H

#include "php.h"

/* Installs our handler in place of mail()'s (once, at MINIT) and puts the original back. */
void smtp_mail_install(void);
void smtp_mail_uninstall(void);

#endif
