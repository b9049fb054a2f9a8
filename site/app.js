// scaleup front end: talks to /api/ through the same VIP that served this page. No dependencies.
'use strict';

const $ = (id) => document.getElementById(id);
const SESSION_KEY = 'scaleup.session';
const RETRY_DELAYS_MS = [300, 900, 2000]; // transfer retries with the same Idempotency-Key
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

let session = readSession(); // {token, expires_at, user_id, email}
let me = null;               // {account_id, balance_cents}
let transfersBefore = null;
let feedBefore = null;

class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

// ---- small helpers ----
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const cents = (n) => money.format(Number(n) / 100);
const postId = (p) => p.id ?? p.post_id; // the spec says id; records may name it post_id
const when = (t) => { const d = new Date(t); return isNaN(d) ? String(t ?? '') : d.toLocaleString(); };
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text != null) e.textContent = text; if (cls) e.className = cls; return e; };

function notice(text) { $('notice').textContent = text || ''; }
function fail(err) { $('error').textContent = err ? (err.message || String(err)) : ''; }

function newKey() { // crypto.randomUUID needs a secure context; plain http to the VIP is not one
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function readSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION_KEY));
    if (s && s.token && !(s.expires_at && Date.parse(s.expires_at) < Date.now())) return s;
  } catch { /* ignore a broken entry */ }
  sessionStorage.removeItem(SESSION_KEY);
  return null;
}

// ---- the API client: every call updates the "served by" bar ----
function servedBy(label, headers) {
  $('sb-req').textContent = label;
  $('sb-lb').textContent = (headers && headers.get('X-Served-By-Lb')) || '–';
  $('sb-web').textContent = (headers && headers.get('X-Served-By-Web')) || '–';
  $('sb-app').textContent = (headers && headers.get('X-Served-By-App')) || '–';
  const pool = headers && headers.get('X-Db-Pool');
  $('sb-db').textContent = pool || '';
  $('sb-db-wrap').hidden = !pool;
}

async function api(method, path, { body, auth = false, headers = {} } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (auth) {
    if (!session) throw new ApiError(401, 'unauthorized', 'Please sign in first.');
    h.Authorization = 'Bearer ' + session.token;
  }
  const label = method + ' ' + path.split('?')[0];
  let res;
  try {
    res = await fetch(path, { method, headers: h, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    servedBy(label + ' → network error', null);
    throw new ApiError(0, 'network', 'Could not reach the server: ' + e.message);
  }
  servedBy(label + ' → ' + res.status, res.headers);
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    const reason = (data && (data.message || data.error)) || `${res.status} ${res.statusText}`.trim();
    if (res.status === 401 && auth) {
      signedOut();
      throw new ApiError(401, data && data.error, 'Your session has ended, please sign in again (' + reason + ').');
    }
    throw new ApiError(res.status, data && data.error, reason);
  }
  return data;
}

// Any failure to reach the app, or a gateway error, is retried with the SAME key: the server applies it once.
async function sendTransfer(toAccount, amountCents, onRetry) {
  const key = newKey();
  for (let attempt = 0; ; attempt++) {
    try {
      return await api('POST', '/api/transfers', {
        auth: true, headers: { 'Idempotency-Key': key },
        body: { to_account: toAccount, amount_cents: amountCents },
      });
    } catch (e) {
      const retriable = e.status === 0 || e.status === 502 || e.status === 503 || e.status === 504;
      if (!retriable || attempt >= RETRY_DELAYS_MS.length) throw e;
      onRetry(attempt + 1, e);
      await sleep(RETRY_DELAYS_MS[attempt] + Math.floor(Math.random() * 200));
    }
  }
}

// ---- signed in / out ----
function signedIn(s) {
  session = s;
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
  render();
  loadAccount().catch(fail);
}

function signedOut() {
  session = null; me = null;
  sessionStorage.removeItem(SESSION_KEY);
  render();
}

function render() {
  const inside = !!session;
  $('auth').hidden = inside;
  for (const id of ['account', 'transfers', 'write']) $(id).hidden = !inside;
  $('signout').hidden = !inside;
  $('who').textContent = inside ? 'Signed in as ' + (session.email || 'user ' + session.user_id) : 'Not signed in';
  if (!inside) { $('account-id').textContent = '–'; $('balance').textContent = '–'; $('balance').removeAttribute('data-cents'); $('transfer-list').replaceChildren(); }
}

async function refreshAccount() {
  me = await api('GET', '/api/accounts/me', { auth: true });
  $('account-id').textContent = me.account_id;
  $('balance').textContent = cents(me.balance_cents);
  $('balance').dataset.cents = me.balance_cents;
}

async function loadAccount() { await refreshAccount(); await loadTransfers(false); }

async function loadTransfers(more) {
  const q = '/api/transfers?limit=20' + (more && transfersBefore != null ? '&before=' + encodeURIComponent(transfersBefore) : '');
  const d = await api('GET', q, { auth: true });
  const list = Array.isArray(d) ? d : (d.transfers || []);
  const body = $('transfer-list');
  if (!more) body.replaceChildren();
  for (const t of list) {
    const out = t.direction ? t.direction === 'sent' : !!me && String(t.from_account) === String(me.account_id);
    const tr = el('tr');
    tr.dataset.testid = 'transfer-row';
    tr.dataset.transferId = t.transfer_id;
    tr.append(el('td', t.transfer_id), el('td', when(t.created_at)), el('td', t.from_account), el('td', t.to_account),
      el('td', (out ? '−' : '+') + cents(t.amount_cents), 'num ' + (out ? 'out' : 'in')));
    body.append(tr);
  }
  transfersBefore = Array.isArray(d) ? null : d.next_before;
  $('transfers-more').hidden = transfersBefore == null;
  $('transfers-empty').hidden = body.children.length > 0;
}

// ---- posts ----
async function loadFeed(more) {
  const q = '/api/posts?limit=20' + (more && feedBefore != null ? '&before=' + encodeURIComponent(feedBefore) : '');
  const feed = $('feed');
  feed.setAttribute('aria-busy', 'true');
  try {
    const d = await api('GET', q);
    const list = Array.isArray(d) ? d : (d.posts || d.items || []);
    const ol = $('feed-list');
    if (!more) ol.replaceChildren();
    for (const p of list) {
      const li = el('li');
      li.dataset.testid = 'feed-item';
      li.dataset.postId = postId(p);
      const a = el('a', p.title || '(untitled)');
      a.href = '#post/' + encodeURIComponent(postId(p));
      const text = String(p.body || '');
      li.append(a, el('span', ` · user ${p.user_id} · ${when(p.created_at)}`, 'small'),
        el('p', text.length > 140 ? text.slice(0, 140) + '…' : text, 'body'));
      ol.append(li);
    }
    feedBefore = Array.isArray(d) ? null : d.next_before;
    $('feed-more').hidden = feedBefore == null;
    $('feed-empty').hidden = ol.children.length > 0;
    return list;
  } finally {
    feed.setAttribute('aria-busy', 'false');
  }
}

// Reads may come from a replica that lags a little: look for a new post for a few seconds.
async function waitForPost(id) {
  for (const ms of [0, 300, 600, 1000, 1500, 2000]) {
    await sleep(ms);
    const list = await loadFeed(false);
    if (list.some((p) => String(postId(p)) === String(id))) return true;
  }
  return false;
}

async function showPost(id) {
  const p = await api('GET', '/api/posts/' + encodeURIComponent(id));
  $('post-view-title').textContent = p.title;
  $('post-view-meta').textContent = `post ${postId(p)} · user ${p.user_id} · ${when(p.created_at)}`;
  $('post-view-body').textContent = p.body;
  $('post-view').hidden = false;
  $('post-view').scrollIntoView({ block: 'nearest' });
}

function route() {
  const m = /^#post\/(.+)$/.exec(location.hash);
  if (!m) { $('post-view').hidden = true; return; }
  fail(null);
  showPost(decodeURIComponent(m[1])).catch((e) => { $('post-view').hidden = true; fail(e); });
}

// ---- wiring ----
function onSubmit(formId, handler) {
  const form = $(formId);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    fail(null); notice('');
    try { await handler(form); } catch (e) { fail(e); } finally { button.disabled = false; }
  });
}

function onClick(id, handler) {
  $(id).addEventListener('click', async () => { fail(null); try { await handler(); } catch (e) { fail(e); } });
}

async function signIn(email, password) {
  const s = await api('POST', '/api/sessions', { body: { email, password } });
  signedIn({ ...s, email });
}

onSubmit('signup-form', async (f) => {
  const email = f.email.value.trim(), password = f.password.value;
  await api('POST', '/api/users', { body: { email, password } });
  await signIn(email, password);
  f.reset();
  notice('Account created. Welcome!');
});

onSubmit('signin-form', async (f) => {
  await signIn(f.email.value.trim(), f.password.value);
  f.reset();
  notice('Signed in.');
});

onSubmit('transfer-form', async (f) => {
  const raw = f.to_account.value.trim();
  const to = /^\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : raw;
  const amount = Math.round(Number(f.amount.value) * 100);
  const status = $('transfer-status');
  status.textContent = 'Sending…';
  try {
    const t = await sendTransfer(to, amount, (n, e) => { status.textContent = `${e.message}: retrying (${n} of ${RETRY_DELAYS_MS.length})…`; });
    status.textContent = `Sent ${cents(t.amount_cents)} to account ${t.to_account} (transfer ${t.transfer_id}).`;
    status.dataset.transferId = t.transfer_id;
    if (me && t.balance_cents != null) { $('balance').textContent = cents(t.balance_cents); $('balance').dataset.cents = t.balance_cents; }
    f.reset();
  } catch (e) {
    status.textContent = 'Not sent.';
    throw e;
  }
  await loadTransfers(false);
});

onSubmit('post-form', async (f) => {
  const p = await api('POST', '/api/posts', { auth: true, body: { title: f.title.value, body: f.body.value } });
  f.reset();
  const id = postId(p);
  notice(`Published post ${id}.`);
  if (!(await waitForPost(id))) notice(`Published post ${id}; it will show in the feed shortly.`);
});

onClick('signout', async () => { signedOut(); notice('Signed out.'); });
onClick('refresh-account', loadAccount);
onClick('transfers-more', () => loadTransfers(true));
onClick('feed-refresh', () => loadFeed(false));
onClick('feed-more', () => loadFeed(true));
onClick('ask', async () => {
  const i = await api('GET', '/api/info');
  const db = i.db || {};
  notice(`app ${i.app_host} · database ${db.server_addr} (${db.in_recovery ? 'replica' : 'primary'}) at ${when(db.now)}`);
});
$('post-view-close').addEventListener('click', (ev) => { ev.preventDefault(); history.pushState(null, '', location.pathname); route(); });
window.addEventListener('hashchange', route);

render();
if (session) loadAccount().catch(fail);
loadFeed(false).catch(fail);
route();
