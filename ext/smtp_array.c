/* Turns a core result into the result array (keys documented in docs/api.md). */
#include "php.h"
#include "smtp_array.h"

static void smtp_array_str_or_null(zval *arr, const char *key, const char *v)
{
	if (v && *v) {
		add_assoc_string(arr, key, v);
	} else {
		add_assoc_null(arr, key);
	}
}

static void smtp_array_timing(zval *arr, const char *key, double ms)
{
	/* Milliseconds with microsecond resolution; negative means "not reached". */
	add_assoc_double(arr, key, ms < 0 ? 0.0 : ((double) (zend_long) (ms * 1000.0)) / 1000.0);
}

void smtp_result_to_array(const smtp_result *res, zval *out)
{
	zval tls, caps, rcpts, timings;
	size_t i;

	array_init(out);
	add_assoc_bool(out, "ok", res->ok);
	add_assoc_string(out, "stage", smtp_stage_name(res->stage));
	if (res->code) {
		add_assoc_long(out, "code", res->code);
	} else {
		add_assoc_null(out, "code");
	}
	smtp_array_str_or_null(out, "enhanced", res->enhanced);
	smtp_array_str_or_null(out, "message", res->message);
	smtp_array_str_or_null(out, "error", res->error);
	smtp_array_str_or_null(out, "hint", res->hint);
	smtp_array_str_or_null(out, "host", res->host);
	if (res->port) {
		add_assoc_long(out, "port", res->port);
	} else {
		add_assoc_null(out, "port");
	}
	smtp_array_str_or_null(out, "address", res->address);
	smtp_array_str_or_null(out, "encryption", res->encryption);

	if (res->tls_active) {
		array_init(&tls);
		add_assoc_string(&tls, "protocol", res->tls_protocol);
		add_assoc_string(&tls, "cipher", res->tls_cipher);
		smtp_array_str_or_null(&tls, "peer", res->tls_peer_subject);
		add_assoc_bool(&tls, "verified", res->tls_verified);
		add_assoc_zval(out, "tls", &tls);
	} else {
		add_assoc_null(out, "tls");
	}
	smtp_array_str_or_null(out, "auth", res->auth_mech);

	array_init(&caps);
	for (i = 0; i < res->capabilities.count; i++) {
		add_next_index_string(&caps, res->capabilities.items[i]);
	}
	add_assoc_zval(out, "capabilities", &caps);

	array_init(&rcpts);
	for (i = 0; i < res->rcpt_count; i++) {
		const smtp_rcpt_result *r = &res->rcpts[i];
		zval one;
		array_init(&one);
		if (r->code) {
			add_assoc_long(&one, "code", r->code);
		} else {
			add_assoc_null(&one, "code");
		}
		smtp_array_str_or_null(&one, "enhanced", r->enhanced);
		smtp_array_str_or_null(&one, "message", r->message);
		add_assoc_zval(&rcpts, r->address, &one);
	}
	add_assoc_zval(out, "recipients", &rcpts);

	array_init(&timings);
	smtp_array_timing(&timings, "connect", res->t_connect);
	smtp_array_timing(&timings, "tls", res->t_tls);
	smtp_array_timing(&timings, "auth", res->t_auth);
	smtp_array_timing(&timings, "send", res->t_send);
	smtp_array_timing(&timings, "total", res->t_total);
	add_assoc_zval(out, "timings", &timings);

	add_assoc_stringl(out, "transcript", res->transcript.data ? res->transcript.data : "", res->transcript.len);

	if (res->probe.asked) {
		zval probe;
		array_init(&probe);
		add_assoc_string(&probe, "from", res->probe.from ? res->probe.from : "");
		if (res->probe.rcpt && *res->probe.rcpt) {
			add_assoc_string(&probe, "rcpt", res->probe.rcpt);
		} else {
			add_assoc_null(&probe, "rcpt");
		}
		if (res->probe.mail_code) {
			add_assoc_long(&probe, "mail_code", res->probe.mail_code);
		} else {
			add_assoc_null(&probe, "mail_code");
		}
		if (res->probe.rcpt_code) {
			add_assoc_long(&probe, "rcpt_code", res->probe.rcpt_code);
		} else {
			add_assoc_null(&probe, "rcpt_code");
		}
		add_assoc_zval(out, "probe", &probe);
	}
	if (res->ports.n > 0) {
		zval ports;
		int i;
		array_init(&ports);
		for (i = 0; i < res->ports.n; i++) {
			add_index_string(&ports, res->ports.port[i], smtp_port_state_name(res->ports.state[i]));
		}
		add_assoc_zval(out, "ports", &ports);
	}
}
