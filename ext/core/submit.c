/* The entry points. Pure C. */
#include "submit.h"

#include "dkim.h"
#include "net.h"
#include "pool.h"
#include "route.h"
#include "tls.h"
#include "transaction.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define DEFAULT_TIMEOUT_MS 15000

/* The EHLO name: smtp.helo (checked), else this machine's fully qualified name, else "" (the session
 * then says its address literal). -1 when smtp.helo is not valid. */
static int choose_helo(const smtp_config *cfg, int64_t deadline, char *out, size_t outlen, const smtp_observer *obs,
                       smtp_err *err)
{
	const char *h = cfg->helo;

	out[0] = '\0';
	if (h && *h) {
		char sentence[200];
		if (strlen(h) >= outlen || !smtp_helo_valid(h)) {
			snprintf(sentence, sizeof(sentence),
			         "SMTP EHLO not sent: smtp.helo \"%.80s\" is not a valid domain name or address literal", h);
			smtp_observe_failure(obs, SMTP_STAGE_EHLO, SMTP_CAUSE_CONFIG, sentence, err);
			return -1;
		}
		smtp_copy_str(out, outlen, h);
		return 0;
	}
	if (cfg->local_name && cfg->local_name->known) {
		smtp_copy_str(out, outlen, cfg->local_name->name);
		return 0;
	}
	if (smtp_local_fqdn(deadline, out, outlen) != 0 || !strchr(out, '.') || !smtp_domain_valid(out)) {
		out[0] = '\0';
	}
	if (cfg->local_name) {
		smtp_copy_str(cfg->local_name->name, sizeof(cfg->local_name->name), out);
		cfg->local_name->known = 1;
	}
	return 0;
}

/* Counts what the pool's statistics want while passing every event on. */
typedef struct {
	const smtp_observer *next;
	unsigned long rcpts_ok;
} counter;

static void count_event(void *ctx, const smtp_event *ev)
{
	counter *c = ctx;

	if (ev->kind == SMTP_EV_RCPT && ev->reply && ev->reply->code >= 250 && ev->reply->code < 260) {
		c->rcpts_ok++;
	}
	smtp_observe(c->next, ev);
}

/* A kept session failed at its first command, before the server accepted anything (it had closed,
 * reset or said 421 while idle): the message may go again on a new connection, it cannot be a
 * duplicate. */
static int gone_before_mail(const smtp_err *e)
{
	return e->stage == SMTP_STAGE_MAIL
	       && (e->cause == SMTP_CAUSE_CLOSED || e->cause == SMTP_CAUSE_IO || e->cause == SMTP_CAUSE_SERVER_CLOSING);
}

void smtp_submit_limits(const smtp_config *cfg, smtp_pool_limits *lim)
{
	memset(lim, 0, sizeof(*lim));
	lim->max_messages = cfg->max_messages;
	lim->idle_timeout_ms = cfg->idle_timeout_ms;
	lim->max_age_ms = cfg->max_age_ms;
	lim->probe_after_ms = SMTP_POOL_PROBE_AFTER_MS;
	lim->probe_ms = SMTP_POOL_PROBE_MS;
}

/* The message with its DKIM-Signature fields before the header section: a copy of the smtp_message
 * whose headers are the signatures plus the original headers, its body the same pointers (nothing
 * of the body is copied). 0, or -1 after telling the failure (stage dkim). */
static int dkim_sign(const smtp_config *cfg, const smtp_message *msg, smtp_message *out, const smtp_observer *obs,
                     smtp_err *err)
{
	char sentence[400], why[300];
	smtp_buf h;

	why[0] = '\0';
	*out = *msg;
	smtp_buf_init(&h, 0);
	if (smtp_dkim_sign(cfg->dkim, msg, time(NULL), &h, why, sizeof(why)) != 0
	    || smtp_buf_append(&h, msg->headers.data, msg->headers.len) != 0) {
		smtp_buf_free(&h);
		snprintf(sentence, sizeof(sentence), "DKIM signing failed, nothing was sent: %s",
		         why[0] ? why : "out of memory");
		smtp_observe_failure(obs, SMTP_STAGE_DKIM, SMTP_CAUSE_DKIM, sentence, err);
		return -1;
	}
	out->size = msg->size + (h.len - msg->headers.len);
	out->headers = h;
	return 0;
}

/* The probe of a check (NULL: none). */
typedef struct {
	const char *from;
	const char *rcpt;
} probe_addrs;

static int submit_run(const smtp_config *cfg, const smtp_message *msg, const probe_addrs *probe,
                      const smtp_observer *obs, smtp_err *err)
{
	double t0 = smtp_now_precise_ms();
	int timeout = cfg->timeout_ms > 0 ? cfg->timeout_ms : DEFAULT_TIMEOUT_MS;
	int64_t deadline = smtp_now_ms() + timeout;
	smtp_tls_cache *tls = cfg->tls_cache, *own = NULL;
	smtp_pool *pool = msg && cfg->persistent ? cfg->pool : NULL; /* a check never uses the pool: it must
	                                                               * really connect */
	smtp_pool_stats *stats = smtp_pool_stats_of(cfg->pool);
	smtp_pool_limits lim;
	smtp_message signed_msg;
	int is_signed = 0;
	smtp_session *s = NULL;
	smtp_event ev;
	smtp_observer wrap;
	counter cnt;
	char helo[256], key[65];
	unsigned long rt0 = 0, bytes0 = 0;
	int rc = -1;

	if (err) {
		smtp_err_clear(err);
	}
	memset(&cnt, 0, sizeof(cnt));
	cnt.next = obs;
	wrap.on_event = count_event;
	wrap.ctx = &cnt;
	obs = &wrap;
	smtp_submit_limits(cfg, &lim);
	if (cfg->dkim && msg) {
		if (dkim_sign(cfg, msg, &signed_msg, obs, err) != 0) {
			goto done;
		}
		msg = &signed_msg;
		is_signed = 1;
	} else if (cfg->dkim) {
		char keys[400], note[460];
		smtp_dkim_signer_describe(cfg->dkim, keys, sizeof(keys));
		snprintf(note, sizeof(note), "DKIM keys loaded: %s", keys);
		smtp_observe_text(obs, SMTP_EV_NOTE, NULL, note);
	}
	if (!tls) {
		tls = own = smtp_tls_cache_new();
		if (!tls) {
			smtp_observe_failure(obs, SMTP_STAGE_CONNECT, SMTP_CAUSE_NOMEM, "SMTP connect failed: out of memory", err);
			goto done;
		}
	}
	if (choose_helo(cfg, deadline, helo, sizeof(helo), obs, err) != 0) {
		goto done;
	}
	if (pool) {
		smtp_config_key(cfg, helo, key);
		s = smtp_pool_take(pool, key, &lim, obs);
		if (s) {
			smtp_err e;
			smtp_session_replay(s, obs);
			rt0 = smtp_session_chat(s)->round_trips;
			bytes0 = (unsigned long)smtp_session_chat(s)->sent;
			rc = smtp_transaction_send(s, msg, deadline, obs, &e);
			if (rc != 0 && gone_before_mail(&e) && deadline - smtp_now_ms() > 0) {
				smtp_observe_text(
				    obs, SMTP_EV_NOTE, NULL,
				    "the kept connection was gone before the server accepted anything: sending on a new one");
				stats->retries++;
				stats->round_trips += smtp_session_chat(s)->round_trips - rt0;
				smtp_session_free(s);
				s = NULL;
			} else if (err && rc != 0) {
				*err = e;
			}
		}
	}
	if (!s) {
		/* TLS resumption goes with kept connections: a check or a test send shows a full handshake */
		s = smtp_route_open_resumable(cfg, tls, helo, deadline, pool != NULL, obs, err);
		if (!s) {
			goto done;
		}
		if (stats) {
			stats->opened++;
			stats->tls_resumed += smtp_session_tls_resumed(s) ? 1 : 0;
		}
		rt0 = 0;
		bytes0 = 0;
		rc = msg     ? smtp_transaction_send(s, msg, deadline, obs, err)
		     : probe ? smtp_transaction_probe(s, probe->from, probe->rcpt, deadline, obs, err)
		             : 0;
	}
	if (rc == 0) {
		memset(&ev, 0, sizeof(ev));
		ev.kind = SMTP_EV_DONE;
		ev.flag = 1;
		ev.reply = &smtp_session_chat(s)->reply;
		smtp_observe(obs, &ev);
	}
	if (stats) {
		stats->messages += rc == 0 && msg ? 1 : 0; /* a check sends no message */
		stats->recipients += cnt.rcpts_ok;
		stats->round_trips += smtp_session_chat(s)->round_trips - rt0;
		stats->bytes += smtp_session_chat(s)->sent - bytes0;
	}
	if (pool) {
		smtp_pool_put(pool, key, s, &lim, deadline);
	} else {
		smtp_session_quit(s, deadline, obs);
		smtp_session_free(s);
	}
done:
	if (is_signed) {
		smtp_buf_free(&signed_msg.headers);
	}
	smtp_tls_cache_free(own);
	memset(&ev, 0, sizeof(ev));
	ev.kind = SMTP_EV_TIMING;
	ev.num = SMTP_TIMING_TOTAL;
	ev.ms = smtp_now_precise_ms() - t0;
	smtp_observe(obs, &ev);
	return rc;
}

int smtp_submit_observed(const smtp_config *cfg, const smtp_message *msg, const smtp_observer *obs, smtp_err *err)
{
	return submit_run(cfg, msg, NULL, obs, err);
}

int smtp_submit(const smtp_config *cfg, const smtp_message *msg, smtp_result *res)
{
	smtp_observer obs;

	smtp_result_observer(res, &obs);
	return smtp_submit_observed(cfg, msg, &obs, NULL);
}

int smtp_check_connection(const smtp_config *cfg, smtp_result *res)
{
	smtp_observer obs;

	smtp_result_observer(res, &obs);
	return smtp_submit_observed(cfg, NULL, &obs, NULL);
}

int smtp_check_sender(const smtp_config *cfg, const char *from, const char *rcpt, smtp_result *res)
{
	smtp_observer obs;
	probe_addrs p;

	p.from = from;
	p.rcpt = rcpt;
	smtp_result_observer(res, &obs);
	return submit_run(cfg, NULL, from ? &p : NULL, &obs, NULL);
}
