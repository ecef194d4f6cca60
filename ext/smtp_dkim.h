/* DKIM keys of this process: read from smtp.dkim_* at the first signed submission, kept in the module
 * globals (per thread under ZTS), loaded again when one of the three settings changes, freed (OpenSSL
 * clears the key material) in GSHUTDOWN. */
#ifndef SMTP_DKIM_BINDING_H
#define SMTP_DKIM_BINDING_H

#include "php.h"
#include "core/settings.h"

/* Sets cfg->dkim to the keys of the current settings (NULL when the three settings are empty).
 * FAILURE with one sentence in err ("DKIM signing failed, nothing was sent: ..."): a setting
 * missing, a key file that cannot be read, a key that is not a usable private key. */
zend_result smtp_dkim_config(smtp_config *cfg, char *err, size_t errlen);
/* Frees the kept keys (GSHUTDOWN). */
void smtp_dkim_release(struct smtp_dkim_signer **signer, char **id);

#endif
