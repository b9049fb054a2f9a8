// Browser test of the scaleup site, driven through the VIP in Debian's headless Chromium.
//
//   node site.mjs [--smoke] <base-url> <screenshot-path>
//
// With E2E_CA=<the deployment's CA file> and a plain http:// base URL, the site is expected to redirect to HTTPS:
// the test checks the redirect, checks the VIP's certificate against the CA, lets Chromium accept exactly that
// certificate's key (--ignore-certificate-errors-spki-list: nothing else is trusted), opens the http:// URL and
// expects to land on https://, and does everything after that over HTTPS (Node's fetch trusts the CA through
// NODE_EXTRA_CA_CERTS, which run.sh sets).
//
// Full run: signs up user A in the UI, signs out, tries a wrong password, signs in, checks the starting balance,
// makes user B through the API, sends A -> B through the UI (and once more with a 503 injected after the server
// applied it, to see the same Idempotency-Key retried and applied once), checks an insufficient-funds error is shown,
// reloads (still signed in), writes a post and finds it in the feed and on its own page, checks the "served by" bar, takes a full-page
// screenshot. --smoke only loads the page, checks the heading and takes the screenshot.
// Exit 0 on success, 1 on failure (with a message naming the step), 2 on bad usage.
import { chromium } from 'playwright-core';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

const USAGE = 'usage: node site.mjs [--smoke] <base-url> <screenshot-path>';
const argv = process.argv.slice(2);
const smoke = argv.includes('--smoke');
const [baseArg, shotPath, ...extra] = argv.filter((a) => a !== '--smoke');
if (!baseArg || !shotPath || extra.length) { console.error(USAGE); process.exit(2); }
let BASE;
try { BASE = new URL(baseArg); } catch { console.error(`not a URL: ${baseArg}\n${USAGE}`); process.exit(2); }

const START = BASE;
const CA_FILE = process.env.E2E_CA || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const OVERALL_MS = Number(process.env.E2E_TIMEOUT_MS || 60_000);
const STEP_MS = 10_000;
const FEED_LAG_MS = 8_000;
const PLACEHOLDERS = new Set(['', '–', '-', '?']);
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

const t0 = Date.now();
let step = 'start';
let browser = null;
let page = null;
const pageErrors = [];
const foreignRequests = [];

class Failure extends Error {}
const check = (cond, message) => { if (!cond) throw new Failure(message); };
const log = (m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${m}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const begin = (name) => { step = name; log(name); };

// ---- direct API calls (for user B and for cross-checks), through the same base URL ----
async function api(method, path, { body, token } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(new URL(path, BASE), {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(STEP_MS),
    });
  } catch (e) {
    throw new Failure(`${method} ${path}: ${e.cause?.message || e.message}`);
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, data, text };
}

async function apiOk(method, path, opts, want = [200, 201]) {
  const r = await api(method, path, opts);
  check(want.includes(r.status), `${method} ${path} answered ${r.status} (wanted ${want.join('/')}): ${r.text.slice(0, 300)}`);
  return r.data;
}

// ---- page helpers ----
// Waits until fn(arg), run in the page, is truthy; fails early if the page shows an error (unless allowError).
// Polls with page.evaluate from here: the site's Content-Security-Policy forbids the in-page eval that
// page.waitForFunction needs.
async function until(desc, fn, arg = null, { timeout = STEP_MS, allowError = false } = {}) {
  const expr = `(() => {
    const err = (document.getElementById('error')?.textContent || '').trim();
    if (err && ${!allowError}) return { error: err };
    const v = (${fn.toString()})(${JSON.stringify(arg)});
    return v ? { ok: v } : false;
  })()`;
  const deadline = Date.now() + timeout;
  for (;;) {
    let r = false;
    try {
      r = await page.evaluate(expr);
    } catch (e) { // a navigation in between: try again
      if (Date.now() > deadline) throw new Failure(`${desc}: evaluation failed: ${e.message.split('\n')[0]}`);
    }
    if (r && r.error) throw new Failure(`${desc}: the page shows the error "${r.error}"`);
    if (r) return r.ok;
    if (Date.now() > deadline) {
      const err = await page.locator('#error').textContent({ timeout: 1000 }).catch(() => '');
      throw new Failure(`${desc}: not seen within ${timeout} ms${err?.trim() ? `; the page shows the error "${err.trim()}"` : ''}`);
    }
    await sleep(100);
  }
}

const text = async (sel) => ((await page.locator(sel).textContent()) || '').trim();
const balanceCents = () => page.locator('#balance').getAttribute('data-cents').then((v) => (v == null ? null : Number(v)));
const token = () => page.evaluate(() => JSON.parse(sessionStorage.getItem('scaleup.session') || 'null')?.token);

async function fill(fields) {
  for (const [sel, value] of Object.entries(fields)) await page.locator(sel).fill(String(value));
}

async function balanceIs(cents, desc) {
  await until(desc, (c) => document.getElementById('balance').dataset.cents === String(c), cents);
  const shown = await text('#balance');
  check(shown === money.format(cents / 100), `${desc}: balance shows "${shown}", expected "${money.format(cents / 100)}"`);
}

async function transferViaUi(toAccount, dollars, desc) {
  const before = await page.locator('#transfer-status').getAttribute('data-transfer-id');
  await fill({ '#transfer-to': toAccount, '#transfer-amount': dollars });
  await page.locator('#transfer-submit').click();
  const id = await until(desc, (prev) => {
    const s = document.getElementById('transfer-status');
    return s.dataset.transferId && s.dataset.transferId !== prev && /^Sent /.test(s.textContent) && s.dataset.transferId;
  }, before);
  log(`  transfer ${id}: ${await text('#transfer-status')}`);
  return id;
}

async function servedByBar() {
  const bar = {};
  for (const hop of ['req', 'lb', 'web', 'app']) bar[hop] = await text(`#sb-${hop}`);
  return bar;
}

// ---- the test ----
async function smokeTest() {
  begin(`open ${BASE.href}`);
  const res = await page.goto(BASE.href, { waitUntil: 'load' });
  check(res && res.ok(), `GET ${BASE.href} answered ${res && res.status()}`);
  check((await text('h1')) === 'scaleup', `the h1 is "${await text('h1')}", expected "scaleup"`);
  for (const id of ['served-by', 'signup-form', 'signin-form', 'feed']) {
    check(await page.locator(`#${id}`).count() === 1, `the page has no #${id}`);
  }
}

async function fullTest() {
  const stamp = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const emailA = `e2e-a-${stamp}@example.test`;
  const emailB = `e2e-b-${stamp}@example.test`;
  const password = `pw-${stamp}-Secret`;

  await smokeTest();
  await until('the first API call (feed) to fill the served-by bar', () => document.getElementById('sb-req').textContent !== '–');

  begin(`sign up ${emailA} in the UI`);
  await fill({ '#signup-email': emailA, '#signup-password': password });
  await page.locator('#signup-submit').click();
  await until('signed in after sign-up', () => !document.getElementById('account').hidden);
  check((await text('#who')).includes(emailA), `the header says "${await text('#who')}", not the new email`);
  await until('the balance after sign-up', () => document.getElementById('balance').dataset.cents);
  const startA = await balanceCents();
  const accountA = await text('#account-id');
  const me = await apiOk('GET', '/api/accounts/me', { token: await token() }, [200]);
  check(String(me.account_id) === accountA, `the page shows account ${accountA}, the API says ${me.account_id}`);
  check(me.balance_cents === startA, `the page shows balance ${startA} cents, the API says ${me.balance_cents}`);
  check(startA > 200, `the starting balance is ${startA} cents: too small to test transfers`);
  await balanceIs(startA, 'the starting balance');
  log(`  account ${accountA}, starting balance ${money.format(startA / 100)}`);

  begin('sign up the same email again: the 409 is shown');
  await page.locator('#signout').click();
  await until('signed out', () => !document.getElementById('auth').hidden && document.getElementById('account').hidden);
  check(await token() == null, 'the token is still in sessionStorage after sign-out');
  await fill({ '#signup-email': emailA, '#signup-password': password });
  await page.locator('#signup-submit').click();
  const dupError = await until('an error for the duplicate email', () => document.getElementById('error').textContent.trim(), null, { allowError: true });
  log(`  shown: "${dupError}"`);

  begin('sign in with a wrong password: the 401 is shown');
  await fill({ '#signin-email': emailA, '#signin-password': `${password}-wrong` });
  await page.locator('#signin-submit').click();
  const badError = await until('an error for the wrong password', () => document.getElementById('error').textContent.trim(), null, { allowError: true });
  check(await page.locator('#account').isHidden(), 'signed in with a wrong password');
  log(`  shown: "${badError}"`);

  begin('sign in in the UI');
  await fill({ '#signin-email': emailA, '#signin-password': password });
  await page.locator('#signin-submit').click();
  await until('signed in', () => !document.getElementById('account').hidden);
  check(typeof (await token()) === 'string', 'no token in sessionStorage after sign-in');
  await balanceIs(startA, 'the balance after sign-in');

  begin(`make user B (${emailB}) through the API`);
  const userB = await apiOk('POST', '/api/users', { body: { email: emailB, password } }, [201]);
  const sessionB = await apiOk('POST', '/api/sessions', { body: { email: emailB, password } }, [200]);
  const startB = (await apiOk('GET', '/api/accounts/me', { token: sessionB.token }, [200])).balance_cents;
  check(userB.account_id != null, `POST /api/users gave no account_id: ${JSON.stringify(userB)}`);
  log(`  account ${userB.account_id}, balance ${money.format(startB / 100)}`);

  begin('send $1.23 from A to B in the UI');
  const t1 = await transferViaUi(userB.account_id, '1.23', 'the transfer confirmation');
  await balanceIs(startA - 123, "A's balance after the transfer");
  const row1 = page.locator(`#transfer-list tr[data-transfer-id="${t1}"]`);
  await until('the transfer in the list', (id) => document.querySelector(`#transfer-list tr[data-transfer-id="${id}"]`), t1);
  check((await row1.textContent()).includes('$1.23'), `the transfer row says "${await row1.textContent()}"`);

  begin('send $0.45 with a 503 injected after the server applied it: retried with the same key, applied once');
  const attempts = [];
  const transfersUrl = (url) => url.pathname === '/api/transfers';
  await page.route(transfersUrl, async (route) => {
    const req = route.request();
    if (req.method() !== 'POST') return route.continue();
    attempts.push(req.headers()['idempotency-key']);
    if (attempts.length > 1) return route.continue();
    const real = await route.fetch(); // the server applies the transfer; the page is told it failed
    log(`  attempt 1 reached the server (${real.status()}); the page gets a 503 instead`);
    return route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"unavailable","message":"injected by the e2e test"}' });
  });
  const replays = [];
  const onResponse = (r) => {
    if (r.request().method() === 'POST' && transfersUrl(new URL(r.url()))) replays.push(`${r.status()} replay=${r.headers()['idempotent-replay'] || 'no'}`);
  };
  page.on('response', onResponse);
  const t2 = await transferViaUi(userB.account_id, '0.45', 'the retried transfer confirmation');
  await page.unroute(transfersUrl);
  page.off('response', onResponse);
  log(`  the page saw: ${replays.join(', ')}`);
  check(attempts.length === 2, `expected 2 POST attempts, saw ${attempts.length}`);
  check(attempts[0] && attempts[0] === attempts[1], `the retry used another Idempotency-Key: ${attempts.join(' then ')}`);
  check(/^[A-Za-z0-9_-]{1,100}$/.test(attempts[0]), `bad Idempotency-Key format: ${attempts[0]}`);
  await balanceIs(startA - 168, "A's balance after the retried transfer");
  // the balance and the list are two requests: the list may render after the balance
  await until('the retried transfer in the list', (id) => document.querySelector(`#transfer-list tr[data-transfer-id="${id}"]`), t2);
  const listed = await page.locator('#transfer-list tr[data-testid="transfer-row"]').allTextContents();
  check(listed.filter((r) => r.includes('$0.45')).length === 1, `expected one $0.45 transfer listed, saw: ${listed.join(' | ')}`);
  check(t2 !== t1, 'the retried transfer has the id of the first one');
  const b = await apiOk('GET', '/api/accounts/me', { token: sessionB.token }, [200]);
  check(b.balance_cents === startB + 168, `B's balance is ${b.balance_cents}, expected ${startB + 168}`);
  const viaApi = await apiOk('GET', '/api/transfers?limit=20', { token: await token() }, [200]);
  const ids = (viaApi.transfers || viaApi).map((t) => String(t.transfer_id));
  check(ids.includes(String(t1)) && ids.includes(String(t2)) && ids.length === 2, `GET /api/transfers lists ${ids.join(', ')}`);

  begin('send more than the balance: the 422 is shown and nothing moves');
  await fill({ '#transfer-to': userB.account_id, '#transfer-amount': ((startA + 100) / 100).toFixed(2) });
  await page.locator('#transfer-submit').click();
  const poorError = await until('an error for insufficient funds', () => document.getElementById('error').textContent.trim(), null, { allowError: true });
  log(`  shown: "${poorError}"`);
  await page.locator('#refresh-account').click();
  await balanceIs(startA - 168, "A's balance after the refused transfer");
  await fill({ '#transfer-to': '', '#transfer-amount': '' });

  begin('reload the page: still signed in (the token is in sessionStorage)');
  await page.reload({ waitUntil: 'load' });
  await until('signed in after the reload', () => !document.getElementById('account').hidden);
  await balanceIs(startA - 168, "A's balance after the reload");
  await until('the transfers after the reload', () => document.querySelectorAll('#transfer-list tr').length === 2);

  const title = `e2e post ${stamp}`;
  const body = `Written by the browser test at ${new Date().toISOString()}.\nSecond line.`;
  begin(`write the post "${title}" and find it in the feed (up to ${FEED_LAG_MS / 1000} s of replica lag)`);
  await fill({ '#post-title': title, '#post-body': body });
  await page.locator('#post-submit').click();
  await until('the published notice', () => /^Published post/.test(document.getElementById('notice').textContent));
  const item = page.locator('#feed-list li[data-testid="feed-item"]').filter({ has: page.getByRole('link', { name: title, exact: true }) });
  const deadline = Date.now() + FEED_LAG_MS;
  while (await item.count() === 0) {
    check(Date.now() < deadline, `the post is not in the feed after ${FEED_LAG_MS / 1000} s`);
    await sleep(500);
    if (await item.count() === 0 && (await page.locator('#feed').getAttribute('aria-busy')) !== 'true') {
      await page.locator('#feed-refresh').click();
    }
  }
  const postId = await item.first().getAttribute('data-post-id');
  log(`  post ${postId} is in the feed`);

  begin('ask the stack, then open the post on its own');
  await page.locator('#ask').click();
  await until('the /api/info notice', () => /^app .* database /.test(document.getElementById('notice').textContent));
  log(`  ${await text('#notice')}`);
  await item.first().getByRole('link', { name: title, exact: true }).click();
  await until('the post view', (t) => !document.getElementById('post-view').hidden && document.getElementById('post-view-title').textContent === t, title);
  const shownBody = await page.locator('#post-view-body').textContent();
  check(shownBody === body, `the post view shows the body ${JSON.stringify(shownBody)}`);
  const direct = await apiOk('GET', `/api/posts/${postId}`, {}, [200]);
  check(direct.title === title, `GET /api/posts/${postId} has the title ${JSON.stringify(direct.title)}`);

  begin('check the served-by bar');
  const bar = await servedByBar();
  log(`  ${bar.req}: lb ${bar.lb}, web ${bar.web}, app ${bar.app}`);
  for (const hop of ['lb', 'web', 'app']) check(!PLACEHOLDERS.has(bar[hop]), `the served-by bar has no ${hop} host: ${JSON.stringify(bar)}`);
  check(bar.req.startsWith(`GET /api/posts/${postId}`), `the served-by bar is not about the last request: ${bar.req}`);
}

async function screenshot(path) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage: true, timeout: 5000 });
  log(`screenshot: ${path}`);
}

async function closeBrowser() {
  if (browser) await Promise.race([browser.close().catch(() => {}), sleep(3000)]);
}

// ---- HTTPS: the redirect, and the VIP's certificate checked against the deployment's CA ----
async function httpsBase() {
  begin(`GET ${START.href} (plain HTTP) redirects to HTTPS`);
  let res;
  try {
    res = await fetch(START, { redirect: 'manual', signal: AbortSignal.timeout(STEP_MS) });
  } catch (e) {
    throw new Failure(`GET ${START.href}: ${e.cause?.message || e.message}`);
  }
  const location = res.headers.get('location') || '';
  check(res.status === 301 && location.startsWith('https://'), `GET ${START.href} answered ${res.status} ${location}`);
  return new URL(location);
}

/** The base64 SHA-256 of the certificate's public key, after checking the certificate against the CA. */
function verifiedSpki(url) {
  begin(`TLS to ${url.host}, certificate checked against ${CA_FILE}`);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: url.hostname, port: Number(url.port || 443), ca: readFileSync(CA_FILE), timeout: STEP_MS,
    }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      if (!raw) { reject(new Failure('the VIP sent no certificate')); return; }
      const spki = new X509Certificate(raw).publicKey.export({ type: 'spki', format: 'der' });
      resolve(createHash('sha256').update(spki).digest('base64'));
    });
    socket.on('error', (e) => reject(new Failure(`TLS to ${url.host}: ${e.message}`)));
    socket.on('timeout', () => { socket.destroy(); reject(new Failure(`TLS to ${url.host}: timeout`)); });
  });
}

async function main() {
  const pin = [];
  if (CA_FILE && START.protocol === 'http:') {
    const https = await httpsBase();
    pin.push(`--ignore-certificate-errors-spki-list=${await verifiedSpki(https)}`);
    BASE = new URL(https.origin + START.pathname);
  }
  begin(`launch ${CHROMIUM}`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: STEP_MS,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', ...pin],
  });
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (/Content[- ]Security[- ]Policy/i.test(m.text())) pageErrors.push(m.text()); });
  page.on('request', (r) => {
    const u = new URL(r.url());
    // the one plain-HTTP navigation that is redirected to HTTPS is the site's own too
    if (u.protocol.startsWith('http') && u.origin !== BASE.origin && r.url() !== START.href) foreignRequests.push(r.url());
  });

  try {
    if (BASE.origin !== START.origin) {
      begin(`the browser opens ${START.href} and lands on HTTPS`);
      const res = await page.goto(START.href, { waitUntil: 'load' });
      check(res && res.ok(), `GET ${START.href} answered ${res && res.status()}`);
      check(page.url().startsWith(BASE.origin), `the browser is at ${page.url()}, expected ${BASE.origin}`);
    }
    await (smoke ? smokeTest() : fullTest());
    step = 'final checks';
    check(pageErrors.length === 0, `JavaScript errors in the page: ${pageErrors.join('; ')}`);
    check(foreignRequests.length === 0, `the page loaded external resources: ${foreignRequests.join(', ')}`);
    await screenshot(shotPath);
  } catch (e) {
    if (!timedOut) await screenshot(shotPath).catch(() => {});
    throw e;
  }
}

let timedOut = false;
const overall = setTimeout(async () => {
  timedOut = true;
  console.error(`FAIL: not done within ${OVERALL_MS / 1000} s (step: ${step})`);
  if (page) await screenshot(shotPath).catch(() => {});
  await closeBrowser();
  process.exit(1);
}, OVERALL_MS);

try {
  await main();
  clearTimeout(overall);
  await closeBrowser();
  log(`PASS${smoke ? ' (smoke)' : ''}`);
  process.exit(0);
} catch (e) {
  if (timedOut) await new Promise(() => {}); // the timeout handler reports and exits
  clearTimeout(overall);
  console.error(`FAIL at step "${step}": ${e instanceof Failure ? e.message : e.stack || e}`);
  await closeBrowser();
  process.exit(1);
}
