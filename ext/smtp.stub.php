<?php

/** @generate-class-entries */

/**
 * The result array of the last mail() in this request that failed or was refused for some
 * recipients, or null when there was none.
 */
function smtp_last_error(): ?array {}

/**
 * Sends a short test message to $to now, with the current settings overridden by $options for
 * this call (host, port, encryption, username, password, auth, from, from_name, helo, timeout,
 * verify_peer, cafile, subject, body). Never throws for an SMTP failure: the result says it.
 */
function smtp_test_send(string $to, array $options = []): array {}

/**
 * Connects, negotiates TLS, greets, authenticates and quits, sending nothing, with the current
 * settings overridden by $options (host, port, encryption, username, password, auth, helo,
 * timeout, verify_peer, cafile); with probe_from / probe_rcpt also MAIL FROM, RCPT TO and RSET
 * after AUTH, never DATA.
 */
function smtp_check(array $options = []): array {}

/**
 * What this process's connection pool has done since it started (connections opened and reused,
 * messages and recipients accepted, bytes written, round trips waited for, retries on a kept
 * connection, probes, connections dropped) and how many connections are idle now.
 */
function smtp_stats(): array {}

/**
 * The OAuth access token of the current settings in this process, without any network: whether the
 * extension was built with OAuth (enabled), provider, grant, whether a token is cached and until when
 * (unix time), the last refresh, and the last failure (a sentence and its code, e.g. invalid_grant).
 * Never a secret.
 */
function smtp_oauth_status(): array {}

/**
 * The authorization-code exchange (with PKCE) at the token endpoint of the current settings, which
 * $options may override for this call (provider, client_id, client_secret, token_url, tenant, scope).
 * Returns ok, refresh_token, expires_in, scope, error, error_code and hint. The refresh token is a
 * secret, returned here (and nowhere else) because the caller must store it.
 */
function smtp_oauth_exchange(string $code, string $code_verifier, string $redirect_uri, array $options = []): array {}
