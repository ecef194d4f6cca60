--TEST--
OAuth: certificate errors at the token endpoint (self-signed, a name the certificate does not list, a CA not trusted) fail at stage oauth with hints naming the token endpoint, smtp.cafile and smtp.verify_peer, not smtp.host
--DESCRIPTION--
The local token endpoint runs with certs.bash's self-signed and wrong-name certificates; the SMTP
server is fine (its certificate is signed by the test CA in smtp.cafile). smtp_oauth_exchange() checks
the unknown-CA case: smtp.cafile names a file without the test CA. With smtp.verify_peer=0 the
self-signed endpoint is accepted (for testing only).
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/oauth.inc';
[$srv, $ts0] = oauth_setup([oauth_token()]);
foreach (['selfsigned', 'wrongname'] as $cert) {
	echo "-- $cert\n";
	$ts = smtp_test_token_server([oauth_token()], $cert);
	ini_set('smtp.oauth_token_url', $ts['url']);
	$r = smtp_check();
	var_dump($r['ok'], $r['stage']);
	/* Our sentence up to "failed: ", then libcurl's words, which differ between the versions we
	 * build with (7.88: "SSL certificate problem: self-signed certificate", "target host name"; 8.14:
	 * "target hostname"; 8.23: "SSL certificate OpenSSL verify result: self-signed certificate (18)"):
	 * only what every version says is checked. The cause (last_error_code below) and the hint are ours. */
	[$ours, $curl] = explode(' failed: ', preg_replace('/:\d+ /', ':PORT ', $r['error']), 2) + [1 => ''];
	echo $ours, " failed: (libcurl's words)\n";
	echo preg_match($cert === 'selfsigned'
		? '/^SSL certificate.* self[- ]signed certificate\b/'
		: "/^SSL: no alternative certificate subject name matches target host ?name 'localhost'$/", $curl)
		? "libcurl's words as every version says them\n" : "libcurl said: $curl\n";
	echo $r['hint'], "\n";
	var_dump(str_contains($r['hint'], 'smtp.host'));
	echo count(smtp_test_token_requests($ts)), " token requests\n";
	$st = smtp_oauth_status();
	echo $st['last_error_code'], "\n";
	oauth_no_secret('check', json_encode($r));
}
echo "-- unknown CA (smtp_oauth_exchange)\n";
ini_set('smtp.oauth_token_url', $ts0['url']);
ini_set('smtp.cafile', smtp_test_certs() . '/selfsigned.pem');
$r = smtp_oauth_exchange('4/code', 'verifier', 'https://site.example/cb');
var_dump($r['ok'], $r['error_code']);
echo $r['hint'], "\n";
echo "-- a cafile that cannot be read\n";
ini_set('smtp.cafile', '/nonexistent/ca.pem');
$r = smtp_oauth_exchange('4/code', 'verifier', 'https://site.example/cb');
var_dump($r['error_code']);
echo $r['hint'], "\n";
echo "-- smtp.verify_peer=0: the self-signed endpoint is taken\n";
$ts = smtp_test_token_server([oauth_token()], 'selfsigned');
ini_set('smtp.cafile', $srv['ca']);
ini_set('smtp.oauth_token_url', $ts['url']);
ini_set('smtp.verify_peer', '0');
$r = smtp_test_send('bob@example.org');
var_dump($r['ok'], $r['auth']);
?>
--EXPECT--
-- selfsigned
bool(false)
string(5) "oauth"
OAuth token request to localhost:PORT failed: (libcurl's words)
libcurl's words as every version says them
The OAuth token endpoint's certificate is self-signed, so nothing vouches for it: check smtp.oauth_token_url (or, when it is empty, the provider's token host: oauth2.googleapis.com, login.microsoftonline.com) - a proxy that intercepts HTTPS also shows its own certificate; for an endpoint of your own, set smtp.cafile to a PEM file with its certificate (smtp.cafile then also has to verify the SMTP server). smtp.verify_peer=0 turns the check off for the token endpoint too, for testing only: anyone on the way could then read the client secret and the refresh token.
bool(false)
0 token requests
cert_self_signed
-- wrongname
bool(false)
string(5) "oauth"
OAuth token request to localhost:PORT failed: (libcurl's words)
libcurl's words as every version says them
The OAuth token endpoint's certificate is valid, but not for the host of smtp.oauth_token_url (or, when it is empty, the provider's token host: oauth2.googleapis.com, login.microsoftonline.com): use the URL the provider documents, with its host name (not an IP address or an alias of your own).
bool(false)
0 token requests
cert_name
-- unknown CA (smtp_oauth_exchange)
bool(false)
string(15) "cert_unknown_ca"
The OAuth token endpoint's certificate was issued by a CA this machine does not trust: check smtp.oauth_token_url (or, when it is empty, the provider's token host: oauth2.googleapis.com, login.microsoftonline.com); behind an HTTPS-inspecting proxy or a private CA, set smtp.cafile to a PEM file with that CA (and the CA of the SMTP server's certificate, since smtp.cafile replaces the system store for both), or update the system's CA bundle (ca-certificates); if smtp.cafile is set for the SMTP server only, add the public CAs to that file or leave it empty. smtp.verify_peer=0 turns the check off for the token endpoint too, for testing only: anyone on the way could then read the client secret and the refresh token.
-- a cafile that cannot be read
string(6) "cafile"
smtp.cafile must name a readable PEM file of CA certificates; it is also what the OAuth token endpoint is verified with: fix the path, or leave smtp.cafile empty to use the system's CA store.
-- smtp.verify_peer=0: the self-signed endpoint is taken
bool(true)
string(7) "XOAUTH2"
