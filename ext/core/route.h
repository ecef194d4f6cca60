/* Which server: the smarthost list (smtp.host) tried in order. Failover moves to the next host only
 * when a host cannot be reached, will not negotiate TLS or will not greet (a refusal after the
 * greeting is the server's answer, and another host would give the same); each host that is not the
 * last gets a fair share of the time left, and the last failure's sentence names the hosts tried
 * before it. Pure C. */
#ifndef SMTP_CORE_ROUTE_H
#define SMTP_CORE_ROUTE_H

#include "session.h"

#define SMTP_MAX_HOSTS 16

/* A READY session to the first host that greets, or NULL (err set, every failure told to obs). helo
 * is the EHLO name to send ("" : our address literal). */
smtp_session *smtp_route_open(const smtp_config *cfg, smtp_tls_cache *tls, const char *helo, int64_t deadline,
                              const smtp_observer *obs, smtp_err *err);
/* The same, offering each host the TLS session of an earlier connection to it (tls.h). */
smtp_session *smtp_route_open_resumable(const smtp_config *cfg, smtp_tls_cache *tls, const char *helo, int64_t deadline,
                                        int tls_resume, const smtp_observer *obs, smtp_err *err);

#endif
