/* The preparation of a submission beyond the settings: the secret, the OAuth token source, the DKIM
 * keys (see smtp_prepare.h). */
#include "php.h"
#include "smtp_prepare.h"
#include "smtp_dkim.h"
#include "smtp_ini.h"

zend_result smtp_prepare(smtp_prepared *p, smtp_config *cfg, const char *password_value, const smtp_oauth_values *oauth,
	smtp_stage *stage, smtp_cause *cause, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	if (smtp_ini_config_secret(cfg, password_value, &p->secret, err, errlen) != SUCCESS) {
		*stage = SMTP_STAGE_AUTH;
		*cause = SMTP_CAUSE_CONFIG;
		return FAILURE;
	}
	if (smtp_oauth_call_prepare(&p->oauth, cfg, oauth, err, errlen) != SUCCESS) {
		*stage = SMTP_STAGE_OAUTH;
		*cause = SMTP_CAUSE_CONFIG;
		return FAILURE;
	}
	if (smtp_dkim_config(cfg, err, errlen) != SUCCESS) {
		*stage = SMTP_STAGE_DKIM;
		*cause = SMTP_CAUSE_DKIM;
		return FAILURE;
	}
	return SUCCESS;
}

void smtp_prepared_free(smtp_prepared *p)
{
	smtp_oauth_call_free(&p->oauth);
	smtp_ini_secret_free(&p->secret);
}
