/* The binding of the spool and the submission log: mail()'s hand-off to the spool, the end-of-request
 * drain, smtp_spool_flush() and smtp_spool_status(), and the writer of smtp.log. */
#ifndef SMTP_SPOOL_BINDING_H
#define SMTP_SPOOL_BINDING_H

#include "php.h"
#include "core/log.h"
#include "core/message.h"
#include "core/result.h"
#include "core/strlist.h"

/* smtp.spool_dir is set. */
bool smtp_spool_enabled(void);

/* Writes msg for the recipients rcpts into the spool (attempts made, the next attempt's time, the last
 * sentence, maybe_sent); id gets the entry's id. held (NULL: not wanted): the entry stays held until
 * smtp_spool_release(*held), no flush takes it before (core/spool.h). SUCCESS, or FAILURE with a
 * sentence in err. */
zend_result smtp_spool_put(const smtp_message *msg, const smtp_strlist *rcpts, int attempts, long long next,
	const char *error, int maybe_sent, int *held, char *id, char *err, size_t errlen);

/* One line in smtp.log (when set); a log that cannot be written is warned about once a request. */
void smtp_spool_log(const smtp_log_record *r);

/* The line for a first attempt at msg that ended as res: result "sent", "queued" or "failed", source
 * "mail" or "test", started (Unix ms), reused (the connection came from the pool), the spool entry's
 * id when queued, maybe_sent (the line was lost after the data). */
void smtp_log_submission(const smtp_message *msg, const smtp_result *res, const char *result, const char *source,
	long long started, int reused, const char *spool_id, int maybe_sent);

/* RSHUTDOWN: delivers what is due, one process at a time, after the response has gone (php-fpm). */
void smtp_spool_request_end(void);

#endif
