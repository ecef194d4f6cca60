--TEST--
Microsoft 365 535 5.7.139 SmtpClientAuthentication disabled: hint to enable Authenticated SMTP or use OAuth
--DESCRIPTION--
Exchange Online's refusal when SMTP AUTH is off for the mailbox, and the tenant-wide variant.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
foreach (['Mailbox', 'Tenant'] as $scope) {
    $srv = smtp_test_server(['starttls' => true, 'auth' => 'LOGIN', 'users' => ['alice' => 'secret'],
        'faults' => ["auth=535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the $scope. Visit https://aka.ms/smtp_auth_disabled for more information. [AM0PR01CA0001.eurprd01.prod.exchangelabs.com 2024-01-01T00:00:00.000Z 08DC0000000000]"]]);
    $r = smtp_check(api_opts($srv, ['encryption' => 'tls', 'username' => 'alice', 'password' => 'secret']));
    api_show($r);
    smtp_test_stop($srv);
}
?>
--EXPECTF--
shape ok
ok: false
stage: 'auth'
code: 535
enhanced: '5.7.139'
error: 'SMTP AUTH LOGIN refused: 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information. [AM0PR01CA0001.eurprd01.prod.exchangelabs.com 2024-01-01T00:00:00.000Z 08DC0000000000]'
hint: 'Microsoft 365 has SMTP AUTH turned off for this mailbox: an administrator turns on Authenticated SMTP in the Microsoft 365 admin center (Users > Active users > the user > Mail > Manage email apps), or use OAuth (smtp.auth=xoauth2 with smtp.oauth_provider=microsoft, see docs/providers.md).'
shape ok
ok: false
stage: 'auth'
code: 535
enhanced: '5.7.139'
error: 'SMTP AUTH LOGIN refused: 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [AM0PR01CA0001.eurprd01.prod.exchangelabs.com 2024-01-01T00:00:00.000Z 08DC0000000000]'
hint: 'Microsoft 365 has SMTP AUTH turned off for the whole organisation: an administrator clears "Turn off SMTP AUTH protocol for your organization" in the Exchange admin center (Settings > Mail flow) and turns on Authenticated SMTP for the mailbox, or use OAuth (smtp.auth=xoauth2 with smtp.oauth_provider=microsoft, see docs/providers.md).'
