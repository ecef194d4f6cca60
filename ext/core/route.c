/* Failover along the smarthost list. Pure C. */
#include "route.h"

#include <stdio.h>
#include <string.h>

/* Listens in on the events to keep the last failure's sentence (for the note that names the next
 * host), passing every event on. */
typedef struct {
	const smtp_observer *next;
	char last_error[600];
} tee;

static void tee_event(void *ctx, const smtp_event *ev)
{
	tee *t = ctx;

	if (ev->kind == SMTP_EV_ERROR && ev->text) {
		smtp_copy_str(t->last_error, sizeof(t->last_error), ev->text);
	}
	smtp_observe(t->next, ev);
}

smtp_session *smtp_route_open(const smtp_config *cfg, smtp_tls_cache *tls, const char *helo, int64_t deadline,
                              const smtp_observer *obs, smtp_err *err)
{
	return smtp_route_open_resumable(cfg, tls, helo, deadline, 0, obs, err);
}

smtp_session *smtp_route_open_resumable(const smtp_config *cfg, smtp_tls_cache *tls, const char *helo, int64_t deadline,
                                        int tls_resume, const smtp_observer *obs, smtp_err *err)
{
	smtp_host_entry hosts[SMTP_MAX_HOSTS];
	char perr[300], sentence[400];
	smtp_buf tried;
	smtp_observer wrap;
	tee t;
	int n, i, attempted = 0;

	if (err) {
		smtp_err_clear(err);
	}
	n = smtp_host_list_parse(cfg->hosts ? cfg->hosts : "", hosts, SMTP_MAX_HOSTS, perr, sizeof(perr));
	if (n < 0) {
		snprintf(sentence, sizeof(sentence), "SMTP connect failed: smtp.host: %s", perr);
		smtp_observe_failure(obs, SMTP_STAGE_CONNECT, SMTP_CAUSE_CONFIG, sentence, err);
		return NULL;
	}
	if (n == 0) {
		smtp_observe_failure(obs, SMTP_STAGE_CONNECT, SMTP_CAUSE_CONFIG,
		                     "SMTP connect failed: no host is configured (smtp.host is empty)", err);
		return NULL;
	}
	memset(&t, 0, sizeof(t));
	t.next = obs;
	wrap.on_event = tee_event;
	wrap.ctx = &t;
	for (i = 0; i < n; i++) {
		smtp_open_params p;
		smtp_session *s;
		smtp_err e;

		if (i > 0) {
			char note[900];
			if (deadline - smtp_now_ms() <= 0) {
				break; /* the previous host's error stands */
			}
			snprintf(note, sizeof(note), "%s; trying the next host, %s", t.last_error[0] ? t.last_error : "failed",
			         hosts[i].host);
			smtp_observe_text(obs, SMTP_EV_NOTE, NULL, note);
		}
		memset(&p, 0, sizeof(p));
		p.tls = tls;
		p.helo = helo;
		p.greet_deadline = smtp_share_deadline(deadline, n - i);
		p.tls_resume = tls_resume;
		p.probe_ports = cfg->probe_ports && i == n - 1; /* the last host's failure is the one reported */
		s = smtp_session_open(cfg, &hosts[i], &p, deadline, &wrap, &e);
		if (s) {
			return s;
		}
		if (err) {
			*err = e;
		}
		if (e.stage != SMTP_STAGE_CONNECT && e.stage != SMTP_STAGE_GREETING && e.stage != SMTP_STAGE_TLS) {
			return NULL; /* the server answered: another host would say the same */
		}
		attempted = i + 1;
	}
	smtp_buf_init(&tried, 400);
	for (i = 0; i + 1 < attempted; i++) {
		/* every host before the last one tried (whose failure is the sentence); bounded */
		int port = hosts[i].port ? hosts[i].port
		           : cfg->port   ? cfg->port
		                         : (cfg->encryption == SMTP_ENC_SSL ? 465 : 587);
		if (smtp_buf_printf(&tried, "%s%s:%d", tried.len ? ", " : "", hosts[i].host, port) != 0) {
			break;
		}
	}
	if (tried.len) {
		smtp_observe_text(obs, SMTP_EV_ALSO_FAILED, NULL, tried.data);
	}
	smtp_buf_free(&tried);
	return NULL;
}
