// Browser tests of the Native SMTP plugin on a real WordPress; started by run.bash, which sets the
// environment up (E2E_* variables) and tears it down. One line per test, then "N passed, N failed".
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import crypto from 'node:crypto';
import path from 'node:path';

const env = (k) => {
  const v = process.env[k];
  if (v === undefined || v === '') throw new Error(`run.bash did not set ${k}`);
  return v;
};
const A = env('E2E_URL_A');        // extension loaded
const B = env('E2E_URL_B');        // no extension
const C = env('E2E_URL_C');        // extension, smtp.allow_runtime_config=0
const W = env('E2E_W');
const ART = env('E2E_ART');
const HERE = path.dirname(new URL(import.meta.url).pathname);
const SMTP_PORT = env('SMTP_PORT');
const SMTP_PORT_REFUSE = env('SMTP_PORT_REFUSE');
const SMTP_USER = env('SMTP_USER');
const SMTP_PASS = env('SMTP_PASS');
const WRONG_PASS = 'Wrong-pass-e2e-5Kd81';
const ADMIN = { user: env('WP_ADMIN_USER'), pass: env('WP_ADMIN_PASS'), email: env('WP_ADMIN_EMAIL') };
const EDITOR = { user: env('WP_EDITOR_USER'), pass: env('WP_EDITOR_PASS') };
const FROM = 'shop@example.com';
const FROM_NAME = 'E2E Shop';
const SETTINGS = '/wp-admin/options-general.php?page=native-smtp';
// Every secret that must never reach a browser.
const SECRETS = [SMTP_PASS, WRONG_PASS, Buffer.from(`\0${SMTP_USER}\0${SMTP_PASS}`).toString('base64'),
  Buffer.from(SMTP_PASS).toString('base64')];

const OAUTH = {
  user: env('OAUTH_USER'), id: env('OAUTH_CLIENT_ID'), secret: env('OAUTH_CLIENT_SECRET'),
  refresh: env('OAUTH_REFRESH_TOKEN'), access: env('OAUTH_ACCESS_TOKEN'),
  authorize: `http://127.0.0.1:${env('OAUTH_AUTHZ_PORT')}/authorize`, token: `https://127.0.0.1:${env('OAUTH_TOKEN_PORT')}/token`,
};
SECRETS.push(OAUTH.secret, OAUTH.refresh, OAUTH.access);

// ------------------------------------------------------------------ helpers

class Fail extends Error {}
function check(cond, msg) { if (!cond) throw new Fail(msg); }
function eq(got, want, what) { check(got === want, `${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`); }

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Messages the test SMTP server captured: [{ env, data, file }] in arrival order. */
function smtpMessages() {
  const dir = path.join(W, 'capture');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const eml = path.join(dir, f.replace(/\.json$/, '.eml'));
    return { env: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')), data: fs.existsSync(eml) ? fs.readFileSync(eml, 'utf8') : '', file: f };
  });
}

/** Messages PHP's own transport (sendmail_path) would have sent. */
function sendmailMessages() {
  const dir = path.join(W, 'sendmail');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
}

async function waitFor(fn, what, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The first header of that name in a raw message (unfolded). */
function header(data, name) {
  const head = data.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const m = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(name.toLowerCase() + ':'));
  return m === undefined ? null : m.slice(name.length + 1).trim();
}

/** Runs PHP inside the e2e WordPress (CLI, no extension) and returns its output. */
function wpEval(code) {
  return execFileSync(process.env.E2E_PHP || 'php', [path.join(HERE, 'wp-eval.inc'), code], { env: process.env, timeout: 30000 }).toString();
}

/** wp-config.php constants for the next requests (null: none). */
function setConstants(defs) {
  const file = path.join(W, 'wp-constants.php');
  if (!defs) { fs.rmSync(file, { force: true }); return; }
  const lines = Object.entries(defs).map(([k, v]) => `define( ${JSON.stringify(k)}, ${typeof v === 'string' ? `'${v.replace(/[\\']/g, '\\$&')}'` : JSON.stringify(v)} );`);
  fs.writeFileSync(file, `<?php\n${lines.join('\n')}\n`);
}

// Every HTML/JSON body the browser receives, to prove no secret is ever sent to it.
const bodies = [];
let current = null; // the page that loaded last (for the screenshot of a failure)
function record(page) {
  page.on('load', () => { current = page; });
  page.on('response', (resp) => {
    const type = resp.headers()['content-type'] || '';
    if (/html|json|text\/plain|javascript/.test(type)) {
      bodies.push(resp.text().then((t) => ({ url: resp.url(), text: t }), () => null));
    }
  });
}

let browser;
async function newPage(base) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: base });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  record(page);
  return page;
}

async function login(page, who) {
  await page.goto('/wp-login.php');
  await page.fill('#user_login', who.user);
  await page.fill('#user_pass', who.pass);
  await Promise.all([page.waitForURL(/\/wp-admin\/?/), page.click('#wp-submit')]);
}

/** Fills the settings form (only the given fields) and saves; returns the page after the redirect. */
async function saveSettings(page, fields) {
  await page.goto(SETTINGS);
  for (const [id, v] of Object.entries(fields)) {
    const el = page.locator('#native-smtp-' + id);
    const tag = await el.evaluate((e) => e.tagName + ':' + (e.type || ''));
    if (tag.startsWith('SELECT')) await el.selectOption(v);
    else if (tag.endsWith('checkbox')) await el.setChecked(!!v);
    else await el.fill(String(v));
  }
  await Promise.all([page.waitForURL(/settings-updated=true/), page.click('#submit')]);
}

async function sendTest(page, to) {
  await page.goto(SETTINGS);
  if (to) await page.fill('#native-smtp-to', to);
  await Promise.all([page.waitForURL(/native-smtp-result=test/), page.click('#native-smtp-send-test')]);
  return page.locator('#native-smtp-result');
}

/** The status box's "Kept connections" row as the page shows it (null: no row). */
async function poolRow(page) {
  const row = page.locator('#native-smtp-status-pool');
  if (await row.count() === 0) return null;
  const num = async (k) => Number(await row.getAttribute('data-' + k));
  const r = {
    persistent: await row.getAttribute('data-persistent'), pid: await num('pid'),
    opened: await num('opened'), reused: await num('reused'), messages: await num('messages'), idle: await num('idle'),
    mode: (await page.textContent('#native-smtp-pool-mode')).trim(),
    counts: (await page.textContent('#native-smtp-pool-counts')).trim(),
    note: (await page.textContent('#native-smtp-pool-note')).trim(),
  };
  // The words say what the attributes say.
  const m = /^This PHP process: (\d+) connections? opened, (\d+) reused, (\d+) messages?, (\d+) idle now$/.exec(r.counts);
  check(m, `counts line: ${r.counts}`);
  eq([m[1], m[2], m[3], m[4]].map(Number).join(','), [r.opened, r.reused, r.messages, r.idle].join(','), `counts line "${r.counts}" against the data attributes`);
  return r;
}

async function storedOption() {
  return JSON.parse(wpEval("echo wp_json_encode( get_option( 'native_smtp_settings' ) );"));
}

// ------------------------------------------------------------------ the tests

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
let admin; // the administrator's page on server A, shared by the tests that follow each other

test('admin logs in and finds Settings → SMTP with the extension loaded', async () => {
  admin = await newPage(A);
  await login(admin, ADMIN);
  await admin.goto('/wp-admin/options-general.php');
  await admin.click('#adminmenu a[href="options-general.php?page=native-smtp"]');
  await admin.waitForSelector('h1:text-is("SMTP")');
  const ext = (await admin.textContent('#native-smtp-status-extension')).trim();
  const version = execFileSync(process.env.E2E_PHP || 'php', ['-d', 'extension=' + env('E2E_EXT'), '-r', 'echo phpversion("smtp");']).toString();
  eq(ext, `loaded, version ${version}`, 'status box');
  check(await admin.locator('#native-smtp-missing-extension').count() === 0, 'the missing-extension notice shows although the extension is loaded');
  return admin;
});

test('invalid input is refused with field errors (port, encryption, email)', async () => {
  await admin.goto(SETTINGS);
  await admin.fill('#native-smtp-port', '99999');
  await admin.fill('#native-smtp-from', 'not-an-address');
  // An encryption value the form does not offer (a hand-made POST): add it to the select.
  await admin.locator('#native-smtp-encryption').evaluate((s) => { const o = new Option('starttls-please', 'starttls-please'); s.add(o); s.value = o.value; });
  await Promise.all([admin.waitForURL(/settings-updated=true/), admin.click('#submit')]);
  const port = await admin.textContent('#native-smtp-port-error');
  check(/Port: “99999” is not a port number/.test(port), `port error: ${port}`);
  const enc = await admin.textContent('#native-smtp-encryption-error');
  check(/Encryption: unknown value “starttls-please”/.test(enc), `encryption error: ${enc}`);
  const from = await admin.textContent('#native-smtp-from-error');
  check(/From email: “not-an-address” is not a valid email address/.test(from), `from error: ${from}`);
  eq(await admin.getAttribute('#native-smtp-port', 'aria-invalid'), 'true', 'port aria-invalid');
  check(await admin.locator('#setting-error-settings_updated').count() === 0, '"Settings saved" shown despite errors');
  const o = await storedOption();
  eq(o.port, 0, 'stored port'); eq(o.encryption, 'auto', 'stored encryption'); eq(o.from, '', 'stored from');
  return admin;
});

test('settings are saved; the password is write-only and stored encrypted', async () => {
  await saveSettings(admin, {
    host: '127.0.0.1', port: SMTP_PORT, encryption: 'tls', auth: 'auto', username: SMTP_USER,
    password: SMTP_PASS, from: FROM, 'from-name': FROM_NAME, timeout: '10', 'verify-peer': true,
  });
  check(/Settings saved/.test(await admin.textContent('#setting-error-settings_updated')), 'no "Settings saved" notice');
  eq(await admin.inputValue('#native-smtp-host'), '127.0.0.1', 'host after reload');
  eq(await admin.inputValue('#native-smtp-port'), SMTP_PORT, 'port after reload');
  eq(await admin.inputValue('#native-smtp-encryption'), 'tls', 'encryption after reload');
  eq(await admin.inputValue('#native-smtp-password'), '', 'password field after reload');
  check(/Stored/.test(await admin.getAttribute('#native-smtp-password', 'placeholder')), 'password placeholder does not say it is stored');
  const o = await storedOption();
  check(typeof o.password === 'string' && o.password.startsWith('ns1:'), `stored password is not encrypted: ${String(o.password).slice(0, 8)}…`);
  check(!JSON.stringify(o).includes(SMTP_PASS), 'plain password in the database');
  const dec = wpEval("echo Native_SMTP_Crypto::decrypt( get_option( 'native_smtp_settings' )['password'] ) === getenv( 'SMTP_PASS' ) ? 'same' : 'different';");
  eq(dec, 'same', 'decrypted password');
  // Blank keeps the stored one.
  await saveSettings(admin, { 'from-name': FROM_NAME });
  eq((await storedOption()).password, o.password, 'password after a save with the field blank');
  // The status box names the source of each value.
  const src = (k) => admin.textContent(`#native-smtp-sources tr[data-setting="${k}"] .native-smtp-source-cell`);
  eq((await src('host')).trim(), 'this page', 'source of smtp.host');
  eq((await src('cafile')).trim(), 'php.ini', 'source of smtp.cafile');
  check(/SMTP: 127\.0\.0\.1/.test(await admin.textContent('#native-smtp-status-transport')), 'transport line');
  return admin;
});

test('Check connection succeeds and shows TLS and AUTH', async () => {
  await admin.goto(SETTINGS);
  await Promise.all([admin.waitForURL(/native-smtp-result=check/), admin.click('#native-smtp-check')]);
  const panel = admin.locator('#native-smtp-result');
  eq(await panel.getAttribute('data-ok'), '1', `check result (${(await panel.textContent()).replace(/\s+/g, ' ').slice(0, 300)})`);
  check(/Connection works/.test(await panel.locator('h2').textContent()), 'heading');
  const details = await admin.textContent('#native-smtp-details');
  check(/TLSv1\.[23]/.test(details), 'no TLS protocol in the details');
  check(/Certificateverifiedyes/.test(details.replace(/\s+/g, '')), 'certificate not shown as verified');
  check(/PLAIN|LOGIN/.test(details), 'no AUTH mechanism in the details');
  const tr = await admin.textContent('#native-smtp-transcript');
  check(/C: STARTTLS/.test(tr) && /C: QUIT/.test(tr), 'transcript lacks STARTTLS/QUIT');
  // The sender probe: the From address (the field's default), MAIL FROM and RCPT TO, then RSET, never DATA.
  check(/C: MAIL FROM:<shop@example\.com>/.test(tr) && /C: RCPT TO:<shop@example\.com>/.test(tr) && /C: RSET/.test(tr), `probe not in the transcript: ${tr.slice(0, 600)}`);
  check(!/C: DATA/.test(tr) && !/C: BDAT/.test(tr), 'check sent a message');
  check(/the server accepts shop@example\.com as the sender/.test(await panel.textContent()), 'summary of the probe');
  check(/Sender checkedshop@example\.com — 250 \(accepted\)/.test(details.replace(/\n/g, '')), `sender row: ${details}`);
  return admin;
});

/** Runs "Check connection" with the given sender/recipient to check; returns the result panel. */
async function runCheck(page, from, rcpt) {
  await page.goto(SETTINGS);
  if (from !== undefined) await page.fill('#native-smtp-probe-from', from);
  if (rcpt !== undefined) await page.fill('#native-smtp-probe-rcpt', rcpt);
  await Promise.all([page.waitForURL(/native-smtp-result=check/), page.click('#native-smtp-check')]);
  return page.locator('#native-smtp-result');
}

test('Check connection: a recipient the server refuses fails at the rcpt stage', async () => {
  await admin.goto(SETTINGS);
  eq(await admin.inputValue('#native-smtp-probe-from'), FROM, 'sender to check defaults to the From address');
  const panel = await runCheck(admin, FROM, 'nobody@example.net');
  eq(await panel.getAttribute('data-ok'), '0', 'ok flag');
  check(/failed at the rcpt stage/.test(await panel.locator('h2').textContent()), `heading: ${await panel.locator('h2').textContent()}`);
  check(/550/.test(await admin.textContent('.native-smtp-error')), 'error sentence has no 550');
  check((await admin.textContent('#native-smtp-hint')).trim().length > 20, 'no hint');
  const details = (await admin.textContent('#native-smtp-details')).replace(/\n/g, '');
  check(/Recipient checkednobody@example\.net — 550 \(refused\)/.test(details), `recipient row: ${details}`);
  check(!/C: DATA/.test(await admin.textContent('#native-smtp-transcript')), 'DATA sent');
  return admin;
});

test('Check connection: a sender the login may not use fails at the mail stage with the send-as hint', async () => {
  await saveSettings(admin, { port: SMTP_PORT_REFUSE });
  try {
    const panel = await runCheck(admin, FROM, '');
    eq(await panel.getAttribute('data-ok'), '0', 'ok flag');
    check(/failed at the mail stage/.test(await panel.locator('h2').textContent()), `heading: ${await panel.locator('h2').textContent()}`);
    check(/5\.7\.60/.test(await admin.textContent('.native-smtp-error')), 'error sentence without 5.7.60');
    const hint = (await admin.textContent('#native-smtp-hint')).trim();
    check(/send as|send-as|permission/i.test(hint), `hint: ${hint}`);
    check(/Sender checkedshop@example\.com — 550 \(refused\)/.test((await admin.textContent('#native-smtp-details')).replace(/\n/g, '')), 'sender row');
    await admin.screenshot({ path: path.join(ART, 'check-sender-refused.png'), fullPage: true });
  } finally {
    await saveSettings(admin, { port: SMTP_PORT });
  }
  return admin;
});

test('Check connection: a refused connect shows which ports answer', async () => {
  const closed = execFileSync('/usr/bin/python3', ['-c', 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])']).toString().trim();
  await saveSettings(admin, { port: closed });
  try {
    const panel = await runCheck(admin);
    eq(await panel.getAttribute('data-ok'), '0', 'ok flag');
    check(await admin.locator('#native-smtp-ports').isVisible(), 'no ports table');
    const rows = await admin.locator('#native-smtp-ports tbody tr').evaluateAll((trs) => trs.map((t) => [t.dataset.port, t.dataset.state, t.className]));
    const ports = rows.map((r) => r[0]);
    for (const p of ['465', '587', '2525', closed]) check(ports.includes(p), `port ${p} not in the table: ${JSON.stringify(rows)}`);
    for (const r of rows) check(['open', 'refused', 'timeout', 'unreachable'].includes(r[1]), `state ${r[1]}`);
    const asked = rows.find((r) => r[0] === closed);
    eq(`${asked[1]} ${asked[2]}`, 'refused is-asked', 'the port in the settings');
    check(/the port in your settings/.test(await admin.textContent(`#native-smtp-ports tr[data-port="${closed}"]`)), 'asked port not marked');
  } finally {
    await saveSettings(admin, { port: SMTP_PORT });
  }
  return admin;
});

let sentBefore = 0;
test('Send test email: success panel with the transcript', async () => {
  sentBefore = smtpMessages().length;
  const panel = await sendTest(admin, 'alice@example.net');
  eq(await panel.getAttribute('data-ok'), '1', `test result (${(await panel.textContent()).replace(/\s+/g, ' ').slice(0, 300)})`);
  check(/Test email sent/.test(await panel.locator('h2').textContent()), 'heading');
  check(/accepted the message for alice@example\.net/.test(await panel.textContent()), 'summary');
  const tr = await admin.textContent('#native-smtp-transcript');
  check(await admin.locator('#native-smtp-transcript').isVisible(), 'transcript not visible');
  check(/S: 220/.test(tr) && /C: STARTTLS/.test(tr) && /C: AUTH/.test(tr) && /C: MAIL FROM:<shop@example\.com>/.test(tr) && /C: RCPT TO:<alice@example\.net>/.test(tr), `transcript: ${tr.slice(0, 400)}`);
  check(/\*\*\*\*\*\*\*\*/.test(tr), 'AUTH payload not masked in the transcript');
  // For docs/wordpress.md: the result with its transcript folded, the form and the status box.
  await admin.locator('.native-smtp-transcript').evaluate((d) => { d.open = false; });
  await admin.screenshot({ path: path.join(ART, 'docs-settings.png'), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1250 } });
  await admin.locator('.native-smtp-transcript').evaluate((d) => { d.open = true; });
  return admin;
});

test('the test message arrives with the expected From and To', async () => {
  const msgs = await waitFor(() => { const m = smtpMessages(); return m.length > sentBefore && m; }, 'the test message');
  const m = msgs[msgs.length - 1];
  eq(m.env.mail_from, FROM, 'envelope sender');
  eq(JSON.stringify(m.env.rcpt_to), JSON.stringify(['alice@example.net']), 'envelope recipients');
  eq(header(m.data, 'To'), 'alice@example.net', 'To:');
  const from = header(m.data, 'From');
  check(from === `${FROM_NAME} <${FROM}>` || from === `"${FROM_NAME}" <${FROM}>`, `From: ${from}`);
  check(/^Test email from E2E Site$/.test(header(m.data, 'Subject')), `Subject: ${header(m.data, 'Subject')}`);
  check(m.env.tls, 'not sent over TLS');
  eq(m.env.auth_user, SMTP_USER, 'authenticated user');
});

test('the status box shows this PHP process\'s kept connections', async () => {
  // php -S runs PHP_CLI_SERVER_WORKERS=4 processes; each has its own counters and any of them may serve
  // a page. The test mail of the previous test went through one of them: load the page (and send another
  // test mail when that does not find it) until a process that sent one shows the page.
  let r = null;
  const seen = [];
  for (let i = 0; i < 24; i++) {
    if (i > 0 && i % 4 === 0) {
      const panel = await sendTest(admin, 'alice@example.net');
      eq(await panel.getAttribute('data-ok'), '1', 'another test mail');
    } else {
      await admin.goto(SETTINGS);
    }
    r = await poolRow(admin);
    check(r, 'no "Kept connections" row with the extension loaded');
    seen.push(`pid ${r.pid}: ${r.opened}/${r.messages}`);
    if (r.opened >= 1 && r.messages >= 1) break;
  }
  check(r.opened >= 1 && r.messages >= 1, `no process showed a connection and a message (${seen.join('; ')})`);
  eq(r.persistent, '1', 'data-persistent');
  check(/^on \(smtp\.persistent = 1\)/.test(r.mode), `mode: ${r.mode}`);
  check(/per PHP worker process/.test(r.note), `note: ${r.note}`);
  eq((await admin.textContent('#native-smtp-status-pool th')).trim(), 'Kept connections', 'row heading');
  return admin;
});

test('a wrong password shows the failure and its hint', async () => {
  await saveSettings(admin, { password: WRONG_PASS });
  const panel = await sendTest(admin, 'alice@example.net');
  eq(await panel.getAttribute('data-ok'), '0', 'result ok flag');
  const h2 = await panel.locator('h2').textContent();
  check(/failed at the auth stage/.test(h2), `heading: ${h2}`);
  const err = await admin.textContent('.native-smtp-error');
  check(/535/.test(err), `error sentence: ${err}`);
  const hint = (await admin.textContent('#native-smtp-hint')).trim();
  check(await admin.locator('#native-smtp-hint').isVisible() && hint.length > 20, `hint: ${hint}`);
  check(/password|credentials/i.test(hint), `hint does not talk about the password: ${hint}`);
  check(await admin.locator('#native-smtp-transcript').isVisible(), 'transcript not visible');
  return admin;
});

test('WP Mail SMTP constants (WPMS_*) are honoured', async () => {
  // The page still holds the wrong password: only WPMS_SMTP_PASS can make this work.
  setConstants({
    WPMS_ON: true, WPMS_SMTP_HOST: '127.0.0.1', WPMS_SMTP_PORT: Number(SMTP_PORT), WPMS_SSL: 'tls',
    WPMS_SMTP_AUTH: true, WPMS_SMTP_AUTOTLS: true, WPMS_SMTP_USER: SMTP_USER, WPMS_SMTP_PASS: SMTP_PASS,
    WPMS_MAIL_FROM: 'wpms@example.com', WPMS_MAIL_FROM_FORCE: true, WPMS_MAIL_FROM_NAME: 'WPMS Sender',
    WPMS_MAIL_FROM_NAME_FORCE: true,
  });
  try {
    await admin.goto(SETTINGS);
    check(await admin.locator('#native-smtp-host').isDisabled(), 'host field not disabled');
    check(/WPMS_SMTP_HOST \(WP Mail SMTP\)/.test(await admin.textContent('tr[data-field="host"] .native-smtp-source')), 'host source');
    check(/WPMS_SSL/.test(await admin.textContent('tr[data-field="encryption"] .native-smtp-source')), 'encryption source');
    check(await admin.locator('#native-smtp-password').isDisabled(), 'password field not disabled');
    check(await admin.locator('#native-smtp-wpms').isVisible(), 'WPMS note');
    const before = smtpMessages().length;
    const panel = await sendTest(admin, 'bob@example.net');
    eq(await panel.getAttribute('data-ok'), '1', `result (${(await panel.textContent()).replace(/\s+/g, ' ').slice(0, 300)})`);
    const msgs = await waitFor(() => { const m = smtpMessages(); return m.length > before && m; }, 'the message');
    const m = msgs[msgs.length - 1];
    eq(m.env.mail_from, 'wpms@example.com', 'envelope sender');
    check(/WPMS Sender.*<wpms@example\.com>/.test(header(m.data, 'From')), `From: ${header(m.data, 'From')}`);
    // A plugin's own From is replaced too (WPMS_MAIL_FROM_FORCE): wp_mail() with its own From header,
    // sent in a web request by the test-only helper.
    const before2 = smtpMessages().length;
    const r = await admin.request.get('/?e2e-wp-mail=carol@example.net');
    eq((await r.text()).trim(), 'true', 'wp_mail() result');
    const msgs2 = await waitFor(() => { const m2 = smtpMessages(); return m2.length > before2 && m2; }, 'the wp_mail message');
    const m2 = msgs2[msgs2.length - 1];
    check(/WPMS Sender.*<wpms@example\.com>/.test(header(m2.data, 'From')), `forced From: ${header(m2.data, 'From')}`);
    return admin;
  } finally {
    setConstants(null);
  }
});

test('a NATIVE_SMTP_* constant overrides the page', async () => {
  await saveSettings(admin, { password: SMTP_PASS }); // back to the right password
  setConstants({ NATIVE_SMTP_FROM_NAME: 'Constant Name', NATIVE_SMTP_TIMEOUT: 7 });
  try {
    await admin.goto(SETTINGS);
    check(await admin.locator('#native-smtp-from-name').isDisabled(), 'from name not disabled');
    eq(await admin.inputValue('#native-smtp-from-name'), 'Constant Name', 'from name shown');
    check(/Set by wp-config\.php constant NATIVE_SMTP_FROM_NAME/.test(await admin.textContent('tr[data-field="from_name"] .native-smtp-source')), 'source line');
    eq((await admin.textContent('#native-smtp-sources tr[data-setting="timeout"] td:nth-child(2)')).trim(), '7', 'effective timeout');
    check(!(await admin.locator('#native-smtp-host').isDisabled()), 'host disabled without a constant');
    // Saving the page keeps the constant's field untouched in the database.
    await saveSettings(admin, { host: '127.0.0.1' });
    eq((await storedOption()).from_name, FROM_NAME, 'stored from_name after a save');
    const before = smtpMessages().length;
    const panel = await sendTest(admin, 'dave@example.net');
    eq(await panel.getAttribute('data-ok'), '1', 'result');
    const msgs = await waitFor(() => { const m = smtpMessages(); return m.length > before && m; }, 'the message');
    check(/Constant Name.*<shop@example\.com>/.test(header(msgs[msgs.length - 1].data, 'From')), `From: ${header(msgs[msgs.length - 1].data, 'From')}`);
    return admin;
  } finally {
    setConstants(null);
  }
});

test('a changed encryption key asks for the password again', async () => {
  setConstants({ NATIVE_SMTP_KEY: 'a-different-key-than-the-one-that-encrypted-it' });
  try {
    await admin.goto(SETTINGS);
    check(/cannot be decrypted/.test(await admin.textContent('.native-smtp-form')), 'no decryption error on the page');
    eq((await admin.textContent('#native-smtp-sources tr[data-setting="password"] td:nth-child(2)')).trim(), 'not set', 'effective password');
    check(/key NATIVE_SMTP_KEY/.test(await admin.textContent('#native-smtp-status')), 'key source');
    return admin;
  } finally {
    setConstants(null);
  }
});

test('lost password: the reset email goes through the extension', async () => {
  const page = await newPage(A);
  const before = smtpMessages().length;
  const sendmailBefore = sendmailMessages().length;
  await page.goto('/wp-login.php?action=lostpassword');
  await page.fill('#user_login', ADMIN.user);
  await Promise.all([page.waitForURL(/checkemail=confirm/), page.click('#wp-submit')]);
  const msgs = await waitFor(() => { const m = smtpMessages(); return m.length > before && m; }, 'the reset email');
  const m = msgs[msgs.length - 1];
  eq(JSON.stringify(m.env.rcpt_to), JSON.stringify([ADMIN.email]), 'recipient');
  check(/Password Reset/.test(header(m.data, 'Subject')), `Subject: ${header(m.data, 'Subject')}`);
  check(/E2E Shop.*<shop@example\.com>/.test(header(m.data, 'From')), `From (WordPress default replaced): ${header(m.data, 'From')}`);
  check(/action=rp&key=/.test(m.data.replace(/=\r\n/g, '')), 'no reset link in the message');
  check(m.env.tls && m.env.auth_user === SMTP_USER, 'not sent with TLS and AUTH');
  eq(sendmailMessages().length, sendmailBefore, 'messages handed to sendmail');
  return page;
});

test('an editor is refused the page and the actions', async () => {
  const page = await newPage(A);
  await login(page, EDITOR);
  const resp = await page.goto(SETTINGS);
  eq(resp.status(), 403, 'status of the settings page');
  check(/not allowed/i.test(await page.textContent('body')), 'no refusal message');
  check(await page.locator('#native-smtp-password, #native-smtp-host').count() === 0, 'form rendered for an editor');
  const before = smtpMessages().length;
  const stored = JSON.stringify(await storedOption());
  // Even with a valid nonce of his own, every action is refused.
  for (const action of ['native_smtp_test', 'native_smtp_check']) {
    const nonce = (await (await page.request.get('/?e2e-nonce=' + action)).text()).trim();
    check(/^[0-9a-f]{10}$/.test(nonce), `nonce helper: ${nonce}`);
    const r = await page.request.post('/wp-admin/admin-post.php', { form: { action, _wpnonce: nonce, native_smtp_to: 'evil@example.net' }, maxRedirects: 0 });
    eq(r.status(), 403, `${action} status`);
    check(/not allowed/i.test(await r.text()), `${action} message`);
  }
  const nonce = (await (await page.request.get('/?e2e-nonce=native_smtp-options')).text()).trim();
  const r = await page.request.post('/wp-admin/options.php', {
    form: { option_page: 'native_smtp', action: 'update', _wpnonce: nonce, 'native_smtp_settings[host]': 'evil.example.net', 'native_smtp_settings[password]': 'x' },
    maxRedirects: 0,
  });
  eq(r.status(), 403, 'options.php status');
  // And an administrator's action without a nonce is refused too.
  const r2 = await admin.request.post('/wp-admin/admin-post.php', { form: { action: 'native_smtp_test', native_smtp_to: 'evil@example.net' }, maxRedirects: 0 });
  eq(r2.status(), 403, 'admin action without a nonce');
  await sleep(300);
  eq(smtpMessages().length, before, 'messages sent');
  eq(JSON.stringify(await storedOption()), stored, 'settings after the refused requests');
  await page.goto(SETTINGS);
  return page;
});

test('Site Health shows the mail transport test', async () => {
  await admin.goto('/wp-admin/site-health.php');
  await admin.waitForFunction(() => document.body.textContent.includes('Mail is sent over SMTP to 127.0.0.1'), null, { timeout: 20000 });
  return admin;
});

test('a host lock (smtp.allow_runtime_config=0) is shown, not hidden', async () => {
  const page = await newPage(C);
  await login(page, ADMIN);
  await page.goto(SETTINGS);
  check(await page.locator('#native-smtp-locked').isVisible(), 'lock notice');
  const refused = await page.textContent('#native-smtp-refused');
  check(/smtp\.host/.test(refused) && /smtp\.password/.test(refused), `refused list: ${refused}`);
  check(/locked by the host/.test(await page.textContent('#native-smtp-status-lock')), 'status line');
  check(await poolRow(page), 'no "Kept connections" row on the locked host');
  check(/php\.ini, locked by the host/.test(await page.textContent('#native-smtp-sources tr[data-setting="host"] .native-smtp-source-cell')), 'source of smtp.host');
  return page;
});

test('without the extension: the notice shows and the site keeps working', async () => {
  const page = await newPage(B);
  const front = await page.goto('/');
  eq(front.status(), 200, 'front page status');
  check(/E2E Site/.test(await page.title()), 'front page title');
  await login(page, ADMIN);
  const notice = page.locator('#native-smtp-missing-extension');
  check(await notice.isVisible(), 'notice on the dashboard');
  check(/phpize/.test(await notice.textContent()) && /extension=smtp/.test(await notice.textContent()), 'install steps');
  await page.goto(SETTINGS);
  check(await page.locator('#native-smtp-missing-extension').isVisible(), 'notice on the settings page');
  eq((await page.textContent('#native-smtp-status-extension')).trim(), 'not loaded', 'status box');
  eq(await page.locator('#native-smtp-status-pool').count(), 0, '"Kept connections" rows without the extension');
  check(await page.locator('#native-smtp-send-test').isDisabled(), 'test button enabled without the extension');
  await page.screenshot({ path: path.join(ART, 'without-extension-settings.png'), fullPage: true });
  // Mail still leaves through PHP's own transport.
  const smtpBefore = smtpMessages().length;
  const before = sendmailMessages().length;
  const ctx2 = await browser.newContext({ baseURL: B });
  const p2 = await ctx2.newPage();
  record(p2);
  await p2.goto('/wp-login.php?action=lostpassword');
  await p2.fill('#user_login', ADMIN.user);
  await Promise.all([p2.waitForURL(/checkemail=confirm/), p2.click('#wp-submit')]);
  const all = await waitFor(() => { const m = sendmailMessages(); return m.length > before && m; }, 'the sendmail message');
  check(/Password Reset/.test(all[all.length - 1]), 'reset email handed to sendmail');
  eq(smtpMessages().length, smtpBefore, 'messages at the SMTP server');
  await ctx2.close();
  await page.goto('/wp-admin/');
  return page;
});

/** The effective value of a setting in the status box (what ini_get() says after the plugin applied it). */
async function effective(page, field) {
  return (await page.textContent(`#native-smtp-sources tr[data-setting="${field}"] td:nth-child(2)`)).trim();
}

/** The settings the other tests expect (the test SMTP server); the password field blank keeps the stored one. */
async function restoreServer(page) {
  await saveSettings(page, { preset: '', host: '127.0.0.1', port: SMTP_PORT, encryption: 'tls', auth: 'auto', username: SMTP_USER });
  eq(await effective(page, 'host'), '127.0.0.1', 'smtp.host restored');
}

test('provider presets fill the fields live (JavaScript) and are applied on save', async () => {
  await admin.goto(SETTINGS);
  check(await admin.locator('tr.native-smtp-region-row[data-preset="ses"]').isHidden(), 'SES region row shown before SES is chosen');
  // Amazon SES in eu-west-1.
  await admin.selectOption('#native-smtp-preset', 'ses');
  check(await admin.locator('#native-smtp-preset-region-ses').isVisible(), 'SES region select not shown');
  check(await admin.locator('tr.native-smtp-region-row[data-preset="mailgun"]').isHidden(), 'Mailgun region row shown for SES');
  await admin.selectOption('#native-smtp-preset-region-ses', 'eu-west-1');
  eq(await admin.inputValue('#native-smtp-host'), 'email-smtp.eu-west-1.amazonaws.com', 'SES host');
  eq(await admin.inputValue('#native-smtp-port'), '587', 'SES port');
  eq(await admin.inputValue('#native-smtp-encryption'), 'tls', 'SES encryption');
  check(/SES SMTP credentials.*not your IAM access keys/.test(await admin.textContent('#native-smtp-preset-note')), 'SES note');
  await Promise.all([admin.waitForURL(/settings-updated=true/), admin.click('#submit')]);
  eq(await effective(admin, 'host'), 'email-smtp.eu-west-1.amazonaws.com', 'applied smtp.host');
  eq(await effective(admin, 'port'), '587', 'applied smtp.port');
  eq(await effective(admin, 'encryption'), 'tls', 'applied smtp.encryption');
  eq(await admin.inputValue('#native-smtp-preset'), 'ses', 'preset after reload');
  eq(await admin.inputValue('#native-smtp-preset-region-ses'), 'eu-west-1', 'region after reload');
  check(await admin.locator('#native-smtp-preset-note').isVisible(), 'note after reload');
  let o = await storedOption();
  eq(`${o.preset}/${o.preset_region}`, 'ses/eu-west-1', 'stored preset');
  // Mailgun EU, then a port changed by hand before saving: the edit is kept.
  await admin.selectOption('#native-smtp-preset', 'mailgun');
  await admin.selectOption('#native-smtp-preset-region-mailgun', 'smtp.eu.mailgun.org');
  eq(await admin.inputValue('#native-smtp-host'), 'smtp.eu.mailgun.org', 'Mailgun EU host');
  await admin.fill('#native-smtp-port', '2525');
  await Promise.all([admin.waitForURL(/settings-updated=true/), admin.click('#submit')]);
  eq(await effective(admin, 'host'), 'smtp.eu.mailgun.org', 'applied Mailgun host');
  eq(await effective(admin, 'port'), '2525', 'a port edited after choosing the preset');
  // SendGrid fixes the user name too.
  await admin.selectOption('#native-smtp-preset', 'sendgrid');
  eq(await admin.inputValue('#native-smtp-username'), 'apikey', 'SendGrid user name');
  await Promise.all([admin.waitForURL(/settings-updated=true/), admin.click('#submit')]);
  eq(await effective(admin, 'host'), 'smtp.sendgrid.net', 'applied SendGrid host');
  eq(await effective(admin, 'port'), '587', 'applied SendGrid port');
  eq(await effective(admin, 'username'), 'apikey', 'applied smtp.username');
  return admin;
});

test('provider presets work without JavaScript (applied when the form is saved)', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: A, javaScriptEnabled: false });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  record(page);
  await login(page, ADMIN);
  await page.goto(SETTINGS);
  check(await page.locator('#native-smtp-preset-region-zoho').isVisible(), 'region selects are all visible without JavaScript');
  await page.selectOption('#native-smtp-preset', 'zoho');
  await page.selectOption('#native-smtp-preset-region-zoho', 'smtp.zoho.eu');
  eq(await page.inputValue('#native-smtp-host'), 'smtp.sendgrid.net', 'host changed without JavaScript before saving');
  await Promise.all([page.waitForURL(/settings-updated=true/), page.click('#submit')]);
  eq(await page.inputValue('#native-smtp-host'), 'smtp.zoho.eu', 'Zoho EU host after saving');
  eq(await page.inputValue('#native-smtp-port'), '465', 'Zoho port');
  eq(await page.inputValue('#native-smtp-encryption'), 'ssl', 'Zoho encryption');
  eq(await effective(page, 'host'), 'smtp.zoho.eu', 'applied smtp.host');
  eq(await effective(page, 'port'), '465', 'applied smtp.port');
  eq(await effective(page, 'encryption'), 'ssl', 'applied smtp.encryption');
  check(/application-specific password/.test(await page.textContent('#native-smtp-preset-note')), 'Zoho note');
  // The local mail server: no encryption, no login.
  await page.selectOption('#native-smtp-preset', 'local');
  await Promise.all([page.waitForURL(/settings-updated=true/), page.click('#submit')]);
  eq(await effective(page, 'host'), 'localhost', 'local host');
  eq(await effective(page, 'port'), '25', 'local port');
  eq(await effective(page, 'encryption'), 'none', 'local encryption');
  eq(await effective(page, 'auth'), 'none', 'local auth');
  eq(await effective(page, 'username'), '—', 'local user name');
  // Saving again with the same preset keeps what was entered by hand.
  await page.fill('#native-smtp-port', '2500');
  await Promise.all([page.waitForURL(/settings-updated=true/), page.click('#submit')]);
  eq(await effective(page, 'port'), '2500', 'a hand-edited port with the preset unchanged');
  await page.screenshot({ path: path.join(ART, 'presets-without-javascript.png'), fullPage: true });
  await restoreServer(page);
  await ctx.close();
  return admin;
});

// ------------------------------------------------------------------ OAuth connect (server A, fake authorization server)

/** The fake authorization server's log: one entry per request. */
function oauthLog() {
  const f = path.join(W, 'oauth.log');
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
}

test('Connect with Google: authorization code with PKCE (S256) against a local authorization server; the refresh token is stored encrypted', async () => {
  // Test-only endpoints of "google", as a site owner's wp-config.php cannot set them for real.
  setConstants({ NATIVE_SMTP_TEST_AUTHORIZE_URL: OAUTH.authorize, NATIVE_SMTP_TEST_TOKEN_URL: OAUTH.token });
  await saveSettings(admin, { username: OAUTH.user, 'oauth-provider': 'google', 'oauth-client-id': OAUTH.id, 'oauth-client-secret': OAUTH.secret });
  eq((await admin.textContent('#native-smtp-oauth-connection')).trim(), 'not connected', 'connection before');
  eq((await admin.textContent('#native-smtp-oauth-redirect')).trim(), A + SETTINGS, 'redirect URI shown');
  const logBefore = oauthLog().length;
  await Promise.all([admin.waitForURL(/native-smtp-result=oauth/), admin.click('#native-smtp-connect-google')]);
  const panel = admin.locator('#native-smtp-result');
  eq(await panel.getAttribute('data-ok'), '1', `connect result (${(await panel.textContent()).replace(/\s+/g, ' ').slice(0, 300)})`);
  eq((await panel.locator('h2').textContent()).trim(), 'Connected with Google', 'heading');
  check(!/[?&]code=/.test(admin.url()), `the code stays in the address bar: ${admin.url()}`);
  const log = oauthLog().slice(logBefore);
  const az = log.find((e) => e.what === 'authorize').fields;
  eq(`${az.response_type} ${az.client_id} ${az.code_challenge_method} ${az.scope} ${az.access_type}`, `code ${OAUTH.id} S256 https://mail.google.com/ offline`, 'authorization request');
  eq(az.redirect_uri, A + SETTINGS, 'redirect_uri');
  check(/^[0-9a-f]{32}\.[0-9a-f]{10}$/.test(az.state), `state: ${az.state}`);
  const tk = log.find((e) => e.what === 'token').fields;
  eq(tk.grant_type, 'authorization_code', 'grant of the exchange');
  check(tk.code_verifier.length >= 43 && tk.code_verifier.length <= 128, 'verifier length');
  eq(crypto.createHash('sha256').update(tk.code_verifier).digest('base64url'), az.code_challenge, 'S256(code_verifier) against the challenge');
  eq(tk.redirect_uri, az.redirect_uri, 'redirect_uri of the exchange');
  const o = await storedOption();
  check(String(o.oauth_refresh_token).startsWith('ns1:') && String(o.oauth_client_secret).startsWith('ns1:'), 'OAuth secrets not encrypted');
  check(!JSON.stringify(o).includes(OAUTH.refresh) && !JSON.stringify(o).includes(OAUTH.secret), 'a plain OAuth secret in the database');
  eq(wpEval("echo Native_SMTP_Crypto::decrypt( get_option( 'native_smtp_settings' )['oauth_refresh_token'] ) === getenv( 'OAUTH_REFRESH_TOKEN' ) ? 'same' : 'different';"), 'same', 'decrypted refresh token');
  check(/^connected/.test((await admin.textContent('#native-smtp-oauth-connection')).trim()), 'connection after');
  eq(await effective(admin, 'auth'), 'xoauth2', 'applied smtp.auth');
  eq(await effective(admin, 'oauth_provider'), 'google', 'applied smtp.oauth_provider');
  eq(await effective(admin, 'oauth_client_id'), OAUTH.id, 'applied smtp.oauth_client_id');
  eq(await effective(admin, 'oauth_refresh_token'), 'set (hidden)', 'applied smtp.oauth_refresh_token');
  eq(await effective(admin, 'oauth_client_secret'), 'set (hidden)', 'applied smtp.oauth_client_secret');
  eq(await effective(admin, 'oauth_token_url'), OAUTH.token, 'applied smtp.oauth_token_url (the test endpoint)');
  eq(await admin.getAttribute('#native-smtp-status-oauth', 'data-provider'), 'google', 'status box OAuth row');
  eq(await admin.locator('#native-smtp-sources tr[data-setting="oauth_authorize_url"]').count(), 0, 'a row for the plugin-only authorization URL');
  eq(await admin.locator('#native-smtp-sources tr[data-setting="force_from_name"]').count(), 1, 'force From name rows');
  return admin;
});

test('after connecting, a test email logs in with XOAUTH2 and the access token the extension fetched', async () => {
  const before = smtpMessages().length;
  const logBefore = oauthLog().length;
  const panel = await sendTest(admin, 'oauth-rcpt@example.net');
  eq(await panel.getAttribute('data-ok'), '1', `test result (${(await panel.textContent()).replace(/\s+/g, ' ').slice(0, 400)})`);
  const tr = await admin.textContent('#native-smtp-transcript');
  check(/C: AUTH XOAUTH2 \*\*\*\*\*\*\*\*/.test(tr) && /S: 235/.test(tr), `transcript: ${tr.slice(0, 800)}`);
  const msgs = await waitFor(() => { const m = smtpMessages(); return m.length > before && m; }, 'the message');
  const m = msgs[msgs.length - 1];
  eq(m.env.auth_user, OAUTH.user, 'the SMTP server accepted the XOAUTH2 token for');
  const refresh = oauthLog().slice(logBefore).filter((e) => e.what === 'token').map((e) => e.fields);
  check(refresh.length <= 1, `more than one token request for one message: ${refresh.length}`);
  if (refresh.length === 1) eq(`${refresh[0].grant_type} ${refresh[0].refresh_token === OAUTH.refresh}`, 'refresh_token true', 'the refresh');
  // The status box of the worker that sent it: the token is kept (any worker: provider and grant).
  await admin.goto(SETTINGS);
  check(/google, grant refresh_token/.test(await admin.textContent('#native-smtp-oauth-state-provider')), 'OAuth status line');
  return admin;
});

test('Connect with Microsoft: its scope and tenant, then a test email over XOAUTH2', async () => {
  await saveSettings(admin, { 'oauth-provider': 'microsoft', 'oauth-tenant': 'contoso.onmicrosoft.com' });
  const logBefore = oauthLog().length;
  await Promise.all([admin.waitForURL(/native-smtp-result=oauth/), admin.click('#native-smtp-connect-microsoft')]);
  const panel = admin.locator('#native-smtp-result');
  eq(await panel.getAttribute('data-ok'), '1', `connect result (${(await panel.textContent()).replace(/\s+/g, ' ').slice(0, 300)})`);
  eq((await panel.locator('h2').textContent()).trim(), 'Connected with Microsoft', 'heading');
  const log = oauthLog().slice(logBefore);
  const az = log.find((e) => e.what === 'authorize').fields;
  eq(`${az.scope}|${az.access_type}|${az.code_challenge_method}`, 'https://outlook.office.com/SMTP.Send offline_access|undefined|S256', 'Microsoft authorization request');
  const tk = log.find((e) => e.what === 'token').fields;
  eq(crypto.createHash('sha256').update(tk.code_verifier).digest('base64url'), az.code_challenge, 'S256(code_verifier) against the challenge');
  eq(await effective(admin, 'oauth_provider'), 'microsoft', 'applied smtp.oauth_provider');
  eq(await effective(admin, 'oauth_tenant'), 'contoso.onmicrosoft.com', 'applied smtp.oauth_tenant');
  const before = smtpMessages().length;
  const sent = await sendTest(admin, 'oauth-ms@example.net');
  eq(await sent.getAttribute('data-ok'), '1', `test result (${(await sent.textContent()).replace(/\s+/g, ' ').slice(0, 400)})`);
  const msgs = await waitFor(() => { const m = smtpMessages(); return m.length > before && m; }, 'the message');
  eq(msgs[msgs.length - 1].env.auth_user, OAUTH.user, 'the SMTP server accepted the XOAUTH2 token for');
  return admin;
});

test('OAuth: a redirect whose state this session did not start is refused; an editor cannot start one', async () => {
  const before = (await storedOption()).oauth_refresh_token;
  await admin.goto(SETTINGS + '&code=forged-code&state=00112233445566778899aabbccddeeff.0123456789');
  await admin.waitForURL(/native-smtp-result=oauth/);
  const panel = admin.locator('#native-smtp-result');
  eq(await panel.getAttribute('data-ok'), '0', 'ok flag');
  check(/state that this browser session did not start/.test(await panel.textContent()), `message: ${await panel.textContent()}`);
  eq((await storedOption()).oauth_refresh_token, before, 'refresh token after the forged redirect');
  check(!oauthLog().some((e) => e.what === 'token' && e.fields.code === 'forged-code'), 'the forged code was exchanged');
  const page = await newPage(A);
  await login(page, EDITOR);
  const nonce = (await (await page.request.get('/?e2e-nonce=native_smtp_oauth_start')).text()).trim();
  const r = await page.request.post('/wp-admin/admin-post.php', { form: { action: 'native_smtp_oauth_start', _wpnonce: nonce, native_smtp_oauth_provider: 'google' }, maxRedirects: 0 });
  eq(r.status(), 403, 'editor starting a connection');
  await page.context().close();
  // Back to the password for the tests that follow.
  setConstants(null);
  await saveSettings(admin, { 'oauth-provider': '', username: SMTP_USER, auth: 'auto' });
  eq(await effective(admin, 'auth'), 'auto', 'smtp.auth after switching OAuth off');
  eq(await admin.locator('#native-smtp-status-oauth').count(), 0, 'OAuth status row without a provider');
  return admin;
});

// ------------------------------------------------------------------ multisite (server M)

const NET = '/wp-admin/network/settings.php?page=native-smtp';
const SITE2 = '/site2/wp-admin/options-general.php?page=native-smtp';
const NET_FROM = 'network@example.com';
const SITE2_FROM = 'site2@example.com';
let ms; // the super administrator's page on the multisite

/** Runs PHP inside the multisite (its main site). */
function wpEvalMs(code) {
  return execFileSync(process.env.E2E_PHP || 'php', [path.join(HERE, 'wp-eval.inc'), code],
    { env: { ...process.env, E2E_WWW: env('E2E_MS_WWW'), E2E_HOST: env('E2E_MS_HOST') }, timeout: 30000 }).toString();
}

async function submitForm(page, urlPattern) {
  await Promise.all([page.waitForURL(urlPattern), page.click('#submit')]);
}

async function msTestMail(page, to) {
  const before = smtpMessages().length;
  await page.goto(SITE2);
  await page.fill('#native-smtp-to', to);
  await Promise.all([page.waitForURL(/native-smtp-result=test/), page.click('#native-smtp-send-test')]);
  const panel = page.locator('#native-smtp-result');
  eq(await panel.getAttribute('data-ok'), '1', `test result on /site2/ (${(await panel.textContent()).replace(/\s+/g, ' ').slice(0, 300)})`);
  const msgs = await waitFor(() => { const m = smtpMessages(); return m.length > before && m; }, 'the message from /site2/');
  return msgs[msgs.length - 1];
}

test('multisite: Network Admin → Settings → SMTP saves the values every site inherits', async () => {
  ms = await newPage(env('E2E_URL_M'));
  await login(ms, ADMIN);
  await ms.goto('/wp-admin/network/settings.php');
  await ms.click('#adminmenu a[href="settings.php?page=native-smtp"]');
  await ms.waitForSelector('h1:text-is("SMTP for the network")');
  await ms.fill('#native-smtp-host', '127.0.0.1');
  await ms.fill('#native-smtp-port', SMTP_PORT);
  await ms.selectOption('#native-smtp-encryption', 'tls');
  await ms.fill('#native-smtp-username', SMTP_USER);
  await ms.fill('#native-smtp-password', SMTP_PASS);
  await ms.fill('#native-smtp-from', NET_FROM);
  await ms.fill('#native-smtp-from-name', 'E2E Network');
  await ms.setChecked('#native-smtp-from-allow', true);      // sites may set their own From
  await ms.setChecked('#native-smtp-from-name-allow', true);
  await submitForm(ms, /settings\.php\?page=native-smtp&updated=true/);
  eq((await ms.textContent('#native-smtp-network-saved')).trim(), 'Settings saved.', 'notice');
  eq(await ms.inputValue('#native-smtp-host'), '127.0.0.1', 'host after saving');
  check(await ms.isChecked('#native-smtp-from-allow') && !(await ms.isChecked('#native-smtp-host-allow')), 'allow boxes after saving');
  const o = JSON.parse(wpEvalMs("echo wp_json_encode( get_site_option( 'native_smtp_network' ) );"));
  check(String(o.password).startsWith('ns1:') && !JSON.stringify(o).includes(SMTP_PASS), 'network password not stored encrypted');
  eq(`${o.host}|${o.from}|${o.allow.from}|${o.allow.host}`, `127.0.0.1|${NET_FROM}|true|false`, 'stored network settings');
  return ms;
});

test('multisite: a site inherits them; what the network keeps is read-only there', async () => {
  await ms.goto(SITE2);
  check(await ms.locator('#native-smtp-network-note').isVisible(), 'no note that the site uses the network settings');
  check(await ms.locator('#native-smtp-host').isDisabled(), 'host editable on the site');
  eq(await ms.inputValue('#native-smtp-host'), '127.0.0.1', 'inherited host shown');
  check(/Set by the network administrator/.test(await ms.textContent('tr[data-field="host"] .native-smtp-network-locked')), 'host lock note');
  check(!(await ms.locator('#native-smtp-from').isDisabled()), 'From disabled although the network allows it');
  check(await ms.isChecked('#native-smtp-from-inherit'), '"Use the network’s value" not ticked');
  eq(await ms.inputValue('#native-smtp-from'), NET_FROM, 'inherited From shown');
  eq(await effective(ms, 'host'), '127.0.0.1', 'applied smtp.host on /site2/');
  eq(await effective(ms, 'from'), NET_FROM, 'applied smtp.from on /site2/');
  eq((await ms.textContent('#native-smtp-sources tr[data-setting="host"] .native-smtp-source-cell')).trim(), 'network settings', 'source of smtp.host');
  const m = await msTestMail(ms, 'ms@example.net');
  eq(m.env.mail_from, NET_FROM, 'envelope sender of /site2/');
  check(m.env.tls && m.env.auth_user === SMTP_USER, 'not sent with TLS and the network’s login');
  return ms;
});

test('multisite: an override the network allows wins, on that site only', async () => {
  await ms.goto(SITE2);
  await ms.fill('#native-smtp-from', SITE2_FROM); // "Use the network’s value" stays ticked: a changed value is the site's own
  await submitForm(ms, /settings-updated=true/);
  eq(await effective(ms, 'from'), SITE2_FROM, 'applied smtp.from on /site2/');
  eq((await ms.textContent('#native-smtp-sources tr[data-setting="from"] .native-smtp-source-cell')).trim(), 'this page', 'source of smtp.from');
  check(!(await ms.isChecked('#native-smtp-from-inherit')), '"Use the network’s value" still ticked');
  eq(await effective(ms, 'host'), '127.0.0.1', 'smtp.host still the network’s');
  const m = await msTestMail(ms, 'ms2@example.net');
  eq(m.env.mail_from, SITE2_FROM, 'envelope sender of /site2/ after its override');
  await ms.goto('/wp-admin/options-general.php?page=native-smtp');
  eq(await effective(ms, 'from'), NET_FROM, 'the main site keeps the network’s From');
  // Ticking the box again (the field back at the network's value) inherits again.
  await ms.goto(SITE2);
  await ms.fill('#native-smtp-from', NET_FROM);
  await ms.setChecked('#native-smtp-from-inherit', true);
  await submitForm(ms, /settings-updated=true/);
  eq((await ms.textContent('#native-smtp-sources tr[data-setting="from"] .native-smtp-source-cell')).trim(), 'network settings', 'source of smtp.from after inheriting again');
  await ms.fill('#native-smtp-from', SITE2_FROM);
  await submitForm(ms, /settings-updated=true/);
  eq(await effective(ms, 'from'), SITE2_FROM, 'override set again');
  return ms;
});

test('multisite: an override the network does not allow is refused', async () => {
  await ms.goto(SITE2);
  // The browser's form has the field disabled: a hand-made request enables it and sends a value.
  await ms.locator('#native-smtp-host').evaluate((el) => { el.disabled = false; el.value = 'evil.example.net'; });
  await submitForm(ms, /settings-updated=true/);
  const err = await ms.textContent('#native-smtp-host-error');
  check(/SMTP host: set by the network administrator for every site/.test(err), `host error: ${err}`);
  eq(await effective(ms, 'host'), '127.0.0.1', 'applied smtp.host after the refused override');
  eq(await ms.inputValue('#native-smtp-host'), '127.0.0.1', 'host shown after the refused override');
  const o = JSON.parse(wpEvalMs("echo wp_json_encode( get_blog_option( 2, 'native_smtp_settings' ) );"));
  check(!o.overrides.includes('host') && o.host !== 'evil.example.net', `site option after the refusal: ${JSON.stringify(o.overrides)} ${o.host}`);
  eq(JSON.stringify(o.overrides), JSON.stringify(['from']), 'overrides of /site2/');
  // A site's administrator (not a network administrator) gets neither the network page nor its action.
  const page = await newPage(env('E2E_URL_M'));
  await page.goto('/site2/wp-login.php');
  await page.fill('#user_login', env('WP_SITEADMIN_USER'));
  await page.fill('#user_pass', env('WP_SITEADMIN_PASS'));
  await Promise.all([page.waitForURL(/\/site2\/wp-admin\/?/), page.click('#wp-submit')]);
  const r = await page.goto(NET);
  eq(r.status(), 403, 'network page for a site administrator');
  await page.goto(SITE2);
  check(await page.locator('#native-smtp-host').isDisabled(), 'host editable for the site administrator');
  const nonce = (await (await page.request.get('/site2/?e2e-nonce=native_smtp_network')).text()).trim();
  const before = wpEvalMs("echo wp_json_encode( get_site_option( 'native_smtp_network' ) );");
  const r2 = await page.request.post('/wp-admin/network/edit.php?action=native_smtp_network', { form: { _wpnonce: nonce, 'native_smtp_settings[host]': 'evil.example.net' }, maxRedirects: 0 });
  eq(r2.status(), 403, 'network save by a site administrator');
  eq(wpEvalMs("echo wp_json_encode( get_site_option( 'native_smtp_network' ) );"), before, 'network settings after the refused save');
  return ms;
});

// ---- the spool (server D: smtp.spool_dir and smtp.log set in php.ini)
const D = env('E2E_URL_D');
const SMTP_PORT_451 = env('SMTP_PORT_451');
const SPOOL_NEW = path.join(W, 'spool', 'new');
const spoolEntries = () => (fs.existsSync(SPOOL_NEW) ? fs.readdirSync(SPOOL_NEW).filter((f) => !f.startsWith('.')) : []);
let spoolAdmin;
const queueCount = async (page) => Number(await page.getAttribute('#native-smtp-queue-count', 'data-count'));
/** Moves the first entry's FIELD line ("created" or "next") by SECONDS and renews its SHA-256 header. */
function shiftEntry(field, seconds) {
  const file = path.join(SPOOL_NEW, spoolEntries()[0]);
  const buf = fs.readFileSync(file);
  const head = buf.subarray(0, 98).toString('latin1');
  let payload = buf.subarray(98).toString('latin1');
  const re = new RegExp(`^((?:[a-z_]+ [^\n]*\n)*?)${field} (\\d+)\n`);
  const m = re.exec(payload);
  check(m, `no ${field} line: ${payload.slice(0, 120)}`);
  const moved = String(Number(m[2]) + seconds);
  eq(moved.length, m[2].length, `${field}: same width`);
  payload = payload.replace(re, `$1${field} ${moved}\n`);
  const sha = crypto.createHash('sha256').update(Buffer.from(payload, 'latin1')).digest('hex');
  fs.writeFileSync(file, Buffer.concat([Buffer.from(head.slice(0, 33) + sha + '\n', 'latin1'), Buffer.from(payload, 'latin1')]));
}
/** Runs PHP inside the e2e WordPress with the extension and server D's spool settings (as WP-Cron would). */
function wpEvalSpool(code) {
  return execFileSync(process.env.E2E_PHP || 'php', ['-d', `extension=${env('E2E_EXT')}`, '-d', `smtp.spool_dir=${path.join(W, 'spool')}`,
    '-d', `smtp.log=${path.join(W, 'smtp.log')}`, '-d', `smtp.cafile=${path.join(W, 'certs', 'ca.pem')}`, path.join(HERE, 'wp-eval.inc'), code],
  { env: process.env, timeout: 60000 }).toString();
}

test('a mail a server refuses with 451 is queued; the queue box shows 1 entry', async () => {
  spoolAdmin = await newPage(D);
  await login(spoolAdmin, ADMIN);
  setConstants(null);
  await saveSettings(spoolAdmin, { host: '127.0.0.1', port: SMTP_PORT_451, encryption: 'tls', username: SMTP_USER, password: SMTP_PASS });
  const r = await spoolAdmin.request.get('/?e2e-wp-mail=queued@example.net');
  eq((await r.text()).trim(), 'true', 'wp_mail() result (queued counts as accepted)');
  eq(spoolEntries().length, 1, 'entries in spool/new');
  await spoolAdmin.goto(SETTINGS);
  eq(await queueCount(spoolAdmin), 1, 'queue box count');
  check(/ago/.test(await spoolAdmin.textContent('#native-smtp-queue-oldest')), 'oldest has no time');
  check(!/none/.test(await spoolAdmin.textContent('#native-smtp-queue-next')), 'next attempt missing');
  // Server A has no spool: its box says so.
  await admin.goto(SETTINGS);
  check(/smtp\.spool_dir is empty/.test(await admin.textContent('#native-smtp-queue-off')), 'server A box without spool');
  // Server B has no extension at all: the box says the spool functions are missing.
  const noext = await newPage(B);
  await login(noext, ADMIN);
  await noext.goto(SETTINGS);
  check(/smtp_spool_status\(\) is missing/.test(await noext.textContent('#native-smtp-queue-off')), 'server B box without the extension');
  eq(await noext.locator('#native-smtp-flush').count(), 0, 'a flush button without the extension');
  return spoolAdmin;
});

test('Site Health warns about an entry a day old, and is good for a fresh one', async () => {
  await spoolAdmin.goto('/wp-admin/site-health.php');
  await spoolAdmin.waitForSelector('.health-check-accordion-trigger');
  const labels = async () => (await spoolAdmin.locator('.health-check-accordion-trigger').allTextContents()).join('\n');
  check(/The mail queue is empty or short/.test(await labels()), `fresh entry: ${await labels()}`);
  // Make the entry two days old the way the spool format allows: its "created" line, checksum renewed.
  shiftEntry('created', -2 * 86400);
  await spoolAdmin.goto('/wp-admin/site-health.php');
  await spoolAdmin.waitForSelector('.health-check-accordion-trigger');
  check(/Mail is waiting in the queue: the SMTP server has been failing/.test(await labels()), `old entry: ${await labels()}`);
  await spoolAdmin.locator('.health-check-accordion-trigger:has-text("Mail is waiting in the queue")').click();
  check(/1 messages are waiting; the oldest has waited 2 days/.test(await spoolAdmin.textContent('#native-smtp-health-queue')), 'warning text');
  return spoolAdmin;
});

test('"Deliver queued mail now" delivers the entry once the server accepts; the box shows 0', async () => {
  await saveSettings(spoolAdmin, { port: SMTP_PORT });
  const before = smtpMessages().length;
  await spoolAdmin.goto(SETTINGS);
  // Without the nonce the handler refuses.
  const bad = await spoolAdmin.request.post('/wp-admin/admin-post.php', { form: { action: 'native_smtp_flush' }, maxRedirects: 0 });
  check(bad.status() >= 400, `flush without a nonce: HTTP ${bad.status()}`);
  eq(spoolEntries().length, 1, 'entry after the refused flush');
  await Promise.all([spoolAdmin.waitForURL(/native-smtp-flushed=1/), spoolAdmin.click('#native-smtp-flush')]);
  const res = spoolAdmin.locator('#native-smtp-flush-result');
  eq(await res.getAttribute('data-delivered'), '1', 'delivered');
  eq(await res.getAttribute('data-remaining'), '0', 'remaining');
  check(/Delivered 1, failed 0, deferred 0, expired 0; 0 still waiting/.test(await res.textContent()), `result: ${await res.textContent()}`);
  eq(await queueCount(spoolAdmin), 0, 'queue box count after');
  eq(spoolEntries().length, 0, 'entries in spool/new after');
  const msgs = await waitFor(() => { const m2 = smtpMessages(); return m2.length > before && m2; }, 'the delivered message');
  check(msgs.some((x) => /queued@example\.net/.test(JSON.stringify(x.env))), 'the queued message did not arrive');
  return spoolAdmin;
});

test('Tools → SMTP log lists the lines newest first and filters the failed ones', async () => {
  // A refused recipient (550): a failed line.
  await spoolAdmin.request.get('/?e2e-wp-mail=nobody@example.net');
  await spoolAdmin.goto('/wp-admin/tools.php?page=native-smtp-log');
  const results = await spoolAdmin.locator('#native-smtp-log tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.result));
  check(results.length >= 3, `lines: ${results}`);
  eq(results[0], 'failed', 'newest line first');
  check(results.includes('queued') && results.includes('sent'), `results: ${results}`);
  const logLines = fs.readFileSync(path.join(W, 'smtp.log'), 'utf8').trim().split('\n');
  eq(results.length, logLines.length, 'one row per log line');
  // who made each attempt: wp_mail() and the queue's delivery of the message queued before
  const sources = await spoolAdmin.locator('#native-smtp-log tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.source));
  eq(sources[0], 'mail', 'the newest line (wp_mail) says mail');
  check(sources.includes('spool'), `no line from the queue: ${sources}`);
  check(/the queue/.test(await spoolAdmin.textContent(`#native-smtp-log tbody tr[data-source="spool"]`)), 'the queue line is not labelled');
  await spoolAdmin.click('#native-smtp-log-failed');
  await spoolAdmin.waitForURL(/failed=1/);
  const failedOnly = await spoolAdmin.locator('#native-smtp-log tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.result));
  check(failedOnly.length >= 1 && failedOnly.every((x) => x === 'failed'), `filtered: ${failedOnly}`);
  check(/550/.test(await spoolAdmin.textContent('#native-smtp-log tbody')), 'no 550 in the failed line');
  // Server A has no smtp.log: the page says so.
  await admin.goto('/wp-admin/tools.php?page=native-smtp-log');
  check(/smtp\.log is not set/.test(await admin.textContent('#native-smtp-log-off')), 'server A log page');
  return spoolAdmin;
});

test('the WP-Cron backstop (native_smtp_spool_flush) delivers a due entry; a log line\'s markup is shown as text', async () => {
  check(wpEval("var_export( (bool) wp_next_scheduled( 'native_smtp_spool_flush' ) );").trim() === 'true', 'the event is not scheduled');
  await saveSettings(spoolAdmin, { port: SMTP_PORT_451 });
  const r = await spoolAdmin.request.get('/?e2e-wp-mail=cron@example.net');
  eq((await r.text()).trim(), 'true', 'wp_mail() result');
  eq(spoolEntries().length, 1, 'entries');
  await saveSettings(spoolAdmin, { port: SMTP_PORT });
  wpEvalSpool("do_action( 'native_smtp_spool_flush' );");
  eq(spoolEntries().length, 1, 'an entry not yet due is left for later');
  shiftEntry('next', -3600);
  const before = smtpMessages().length;
  wpEvalSpool("do_action( 'native_smtp_spool_flush' );");
  eq(spoolEntries().length, 0, 'entries after the cron run');
  const msgs = await waitFor(() => { const m2 = smtpMessages(); return m2.length > before && m2; }, 'the message the cron run delivered');
  check(msgs.some((x) => /cron@example\.net/.test(JSON.stringify(x.env))), 'the queued message did not arrive');
  // A line with markup in it (a hostile reply) is escaped.
  fs.appendFileSync(path.join(W, 'smtp.log'), JSON.stringify({ time: '2026-01-01T00:00:00Z', result: 'failed', reply: '<img src=x onerror="window.e2eXss=1">', from: '<b>x</b>@example.com' }) + '\n');
  await spoolAdmin.goto('/wp-admin/tools.php?page=native-smtp-log&failed=1');
  const first = spoolAdmin.locator('#native-smtp-log tbody tr').first();
  check((await first.textContent()).includes('<img src=x onerror="window.e2eXss=1">'), `markup not shown as text: ${await first.textContent()}`);
  eq(await first.locator('img, b').count(), 0, 'elements made from the log line');
  eq(await spoolAdmin.evaluate(() => window.e2eXss || 0), 0, 'script from the log line ran');
  return spoolAdmin;
});

/** Site Health as the browser shows it: the Mail queue test's section (good, recommended, critical), label, badge, text. */
async function queueHealth(page) {
  await page.goto('/wp-admin/site-health.php');
  await page.waitForSelector('.health-check-accordion-trigger');
  const trigger = page.locator('.health-check-accordion-trigger[aria-controls="health-check-accordion-block-native_smtp_queue"]');
  eq(await trigger.count(), 1, 'Mail queue entries in Site Health');
  const section = await trigger.evaluate((t) => t.closest('.site-health-issues-wrapper').id.replace('health-check-issues-', ''));
  const label = (await trigger.locator('.title').textContent()).trim();
  const badge = trigger.locator('.badge');
  const panel = page.locator('#' + await trigger.getAttribute('aria-controls'));
  return { section, label, badge: `${(await badge.textContent()).trim()}/${await badge.getAttribute('class')}`, text: (await panel.textContent()).trim() };
}

test('Site Health: 50 queued messages are a short queue, the 51st makes it warn; "Deliver queued mail now" sends all 51 once', async () => {
  eq(spoolEntries().length, 0, 'entries before');
  await saveSettings(spoolAdmin, { port: SMTP_PORT_451 });
  const queue = (n, from) => wpEvalSpool(`$ok = 0; for ( $i = ${from}; $i < ${from + n}; $i++ ) { $ok += wp_mail( "many$i@example.net", "Queued $i", "Body $i\\n" ) ? 1 : 0; } echo $ok;`).trim();
  eq(queue(50, 0), '50', 'wp_mail() results of the first 50 (queued counts as accepted)');
  eq(spoolEntries().length, 50, 'entries in spool/new');
  let h = await queueHealth(spoolAdmin);
  eq(h.section, 'good', `Site Health section at 50 (${JSON.stringify(h)})`);
  eq(h.label, 'The mail queue is empty or short', 'label at 50');
  check(/50 messages are waiting for a retry\./.test(h.text), `text at 50: ${h.text}`);
  eq(queue(1, 50), '1', 'wp_mail() result of the 51st');
  eq(spoolEntries().length, 51, 'entries in spool/new');
  h = await queueHealth(spoolAdmin);
  eq(h.section, 'recommended', `Site Health section at 51 (${JSON.stringify(h)})`);
  eq(h.label, 'Mail is waiting in the queue: the SMTP server has been failing', 'label at 51');
  eq(h.badge, 'Email/badge orange', 'badge at 51');
  check(/^51 messages are waiting; the oldest has waited \d+ (second|seconds|min|mins)\. Messages are retried by themselves; see the last error on Tools → SMTP log and check the server on Settings → SMTP\./.test(h.text),
    `warning text at 51: ${h.text}`);
  // WP-Cron's weekly Site Health check (wp_site_health_scheduled_check) runs the same test outside
  // wp-admin: the registered callback, called as WP_Site_Health does, gives the same result there.
  let cron;
  try {
    cron = JSON.parse(wpEvalSpool("$t = WP_Site_Health::get_tests(); echo wp_json_encode( call_user_func( $t['direct']['native_smtp_queue']['test'] ) );"));
  } catch (e) {
    const out = String(e.stdout || '');
    const die = /<div class="wp-die-message">([\s\S]*?)<\/div>/.exec(out);
    throw new Fail(`the Mail queue test outside wp-admin: ${die ? die[1].replace(/<[^>]+>/g, ' ') : out.slice(-300)} ${String(e.stderr || '').slice(-500)}`);
  }
  eq(`${cron.status} / ${cron.label}`, 'recommended / Mail is waiting in the queue: the SMTP server has been failing', 'the test as the WP-Cron check runs it');
  // The server accepts again: the box delivers every entry, each message arrives once.
  await saveSettings(spoolAdmin, { port: SMTP_PORT });
  const before = smtpMessages().length;
  await spoolAdmin.goto(SETTINGS);
  eq(await queueCount(spoolAdmin), 51, 'queue box count');
  await Promise.all([spoolAdmin.waitForURL(/native-smtp-flushed=1/), spoolAdmin.click('#native-smtp-flush')]);
  const res = spoolAdmin.locator('#native-smtp-flush-result');
  eq(await res.getAttribute('data-delivered'), '51', 'delivered');
  eq(await res.getAttribute('data-remaining'), '0', 'remaining');
  eq(spoolEntries().length, 0, 'entries after');
  const got = (await waitFor(() => { const m2 = smtpMessages(); return m2.length >= before + 51 && m2; }, 'the 51 messages')).slice(before);
  const rcpts = got.map((m) => m.env.rcpt_to.join(',')).sort();
  eq(rcpts.length, 51, 'messages delivered');
  eq(new Set(rcpts).size, 51, 'distinct messages (none twice)');
  check(rcpts.every((r) => /^many\d+@example\.net$/.test(r)), `recipients: ${rcpts}`);
  h = await queueHealth(spoolAdmin);
  eq(h.section, 'good', 'Site Health after the delivery');
  check(/0 messages are waiting for a retry\./.test(h.text), `text after: ${h.text}`);
  return spoolAdmin;
});

test('Tools → SMTP log reads only the last 256 KiB: the newest lines shown, a line before the bound and huge lines not; "Failed only" still filters', async () => {
  const LOG = path.join(W, 'smtp.log');
  const BOUND = 262144;
  const line = (o) => JSON.stringify(o) + '\n';
  const results = ['sent', 'failed', 'queued'];
  // The newest lines: 120, about 25 KiB, all inside the bound.
  let newest = '';
  for (let i = 0; i < 120; i++) {
    newest += line({ time: '2026-12-01T10:00:00Z', message_id: `<tail-${String(i).padStart(3, '0')}@e2e.test>`, from: 'shop@example.com', rcpts: 1,
      host: '127.0.0.1', port: 25, result: results[i % 3], stage: i % 3 === 1 ? 'rcpt' : 'done', code: i % 3 === 1 ? 550 : 250, attempt: 1 });
  }
  // Older lines, oldest first: one of them and a huge one (300 KiB, longer than the bound) far
  // before the bound; a complete line ending 11 bytes before it (shown only if the page read more
  // than 256 KiB); a line that starts 10 bytes before it (cut, so never shown). Inside the bound:
  // the first complete line (shown only if the page reads the whole 256 KiB) and a big line of
  // about 200 KiB, both whole, then the newest lines.
  const sized = (n, o, c) => { o.reply = ''; o.reply = c.repeat(n - line(o).length); return line(o); };
  const first = line({ time: '2026-12-01T07:00:00Z', message_id: '<first-line@e2e.test>', result: 'failed', reply: 'the oldest' });
  const huge = sized(300 * 1024, { time: '2026-12-01T07:30:00Z', message_id: '<huge-line@e2e.test>', result: 'failed' }, 'x');
  const outside = line({ time: '2026-12-01T08:00:00Z', message_id: '<before-bound@e2e.test>', result: 'failed', reply: 'just outside' });
  const straddle = line({ time: '2026-12-01T08:30:00Z', message_id: '<straddle@e2e.test>', result: 'failed', reply: 'cut by the bound' });
  const inside = line({ time: '2026-12-01T09:00:00Z', message_id: '<inside-first@e2e.test>', result: 'failed', reply: 'the first whole line' });
  const big = sized(BOUND - (straddle.length - 10) - inside.length - newest.length,
    { time: '2026-12-01T09:30:00Z', message_id: '<inside-big@e2e.test>', result: 'sent' }, 'y');
  fs.appendFileSync(LOG, first + huge + outside + straddle + inside + big + newest);
  const size = fs.statSync(LOG).size;
  eq(fs.readFileSync(LOG).subarray(size - BOUND - 10, size - BOUND + 10).toString(), straddle.slice(0, 20), 'the cut line starts 10 bytes before the bound');
  check(big.length > 200 * 1024 && size > BOUND + 300 * 1024, `line ${big.length}, log ${size}`);
  const rows = async () => spoolAdmin.locator('#native-smtp-log tbody tr').evaluateAll((rs) => rs.map((r) => [r.dataset.result, r.textContent]));
  const idsOf = (rs) => rs.map(([, t]) => (/<([a-z0-9-]+)@e2e\.test>/.exec(t) || [])[1]);
  await spoolAdmin.goto('/wp-admin/tools.php?page=native-smtp-log');
  check(/at most the last 256 KB of the file/.test(await spoolAdmin.textContent('.wrap')), 'the page does not say it reads the last 256 KB');
  const all = await rows();
  const want = Array.from({ length: 120 }, (_, i) => `tail-${String(119 - i).padStart(3, '0')}`).concat(['inside-big', 'inside-first']);
  eq(JSON.stringify(idsOf(all)), JSON.stringify(want), 'rows: the newest lines first, down to the first whole line inside the bound, nothing else');
  eq(JSON.stringify(all.map(([r]) => r).slice(0, 3)), JSON.stringify(['queued', 'failed', 'sent']), 'results of the newest rows');
  check(all[120][1].includes('y'.repeat(200 * 1024)), 'the big line inside the bound is not shown whole');
  const html = await spoolAdmin.content();
  for (const id of ['first-line', 'huge-line', 'before-bound', 'straddle']) check(!html.includes(id), `${id} is on the page`);
  check(!html.includes('xxxxxxxxxx'), 'a piece of the huge line is on the page');
  await spoolAdmin.click('#native-smtp-log-failed');
  await spoolAdmin.waitForURL(/failed=1/);
  const failed = await rows();
  const wantFailed = want.filter((id) => id === 'inside-first' || (id.startsWith('tail-') && Number(id.slice(5)) % 3 === 1));
  eq(JSON.stringify(idsOf(failed)), JSON.stringify(wantFailed), 'failed rows');
  check(failed.every(([r]) => r === 'failed'), 'a row that is not failed');
  check(!(await spoolAdmin.content()).includes('before-bound'), 'the failed line before the bound is shown');
  eq(fs.statSync(LOG).size, size, 'the log grew during the test (the window moved)');
  return spoolAdmin;
});

test('no page ever contained the password', async () => {
  const got = (await Promise.all(bodies)).filter(Boolean);
  check(got.length > 20, `only ${got.length} responses recorded`);
  for (const b of got) {
    for (const s of SECRETS) {
      check(!b.text.includes(s), `a secret appears in ${b.url}`);
    }
  }
  // The settings page itself, as the browser has it now.
  await admin.goto(SETTINGS);
  const html = await admin.content();
  for (const s of SECRETS) check(!html.includes(s), 'secret in the settings page');
  return admin;
});

test('every string is translatable (text domain native-smtp)', async () => {
  const out = execFileSync(process.env.E2E_PHP || 'php', [path.join(HERE, 'i18n-check.inc'), path.join(env('E2E_TOP'), 'wordpress/native-smtp')]).toString();
  check(/ 0 without the text domain/.test(out) && / 0 missing from languages\/native-smtp\.pot/.test(out), out);
});

test('deleting the plugin from Plugins removes its settings (uninstall.php)', async () => {
  check((await storedOption()) !== false, 'no settings stored before the uninstall');
  await admin.goto('/wp-admin/plugins.php');
  const row = admin.locator('tr[data-slug="native-smtp"]');
  await Promise.all([admin.waitForURL(/deactivate=true/), row.locator('a:has-text("Deactivate")').click()]);
  admin.once('dialog', (d) => d.accept());
  await row.locator('a.delete').click();
  await admin.waitForSelector('tr.plugin-deleted-tr, .plugin-deleted-tr', { timeout: 20000 });
  eq(wpEval("var_export( get_option( 'native_smtp_settings' ) );"), 'false', 'option after uninstall');
  eq(wpEval("var_export( wp_next_scheduled( 'native_smtp_spool_flush' ) );"), 'false', 'WP-Cron event after uninstall');
  check(!fs.existsSync(path.join(env('E2E_WWW'), 'wp-content/plugins/native-smtp')), 'plugin files still there');
  return admin;
});

// ------------------------------------------------------------------ runner

fs.mkdirSync(ART, { recursive: true });
browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  // playwright gives every launch a fresh, temporary --user-data-dir of its own.
}).catch((e) => {
  console.log(`not ok - launch Chromium: ${String(e.message).split('\n')[0]}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
let passed = 0;
let failed = 0;
let n = 0;
for (const t of tests) {
  n++;
  const slug = String(n).padStart(2, '0') + '-' + t.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
  const t0 = Date.now();
  let page = null;
  try {
    page = await t.fn();
    if (page && page.screenshot) await page.screenshot({ path: path.join(ART, slug + '.png'), fullPage: true });
    passed++;
    console.log(`ok ${n} - ${t.name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    const msg = (e instanceof Fail ? e.message : (e && e.stack) || String(e)).split('\n').slice(0, 4).join(' | ');
    console.log(`not ok ${n} - ${t.name}: ${msg}`);
    const shot = current || admin;
    if (shot) {
      try { await shot.screenshot({ path: path.join(ART, slug + '-FAILED.png'), fullPage: true }); } catch { /* page gone */ }
    }
  }
}
await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
