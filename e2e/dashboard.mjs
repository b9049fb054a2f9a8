// Browser test of `scaleup dashboard` in Debian's headless Chromium, while a drill breaks one host.
//
//   node dashboard.mjs <dashboard-url> <screenshot-path> <host> <alert>
//
// 1. opens the dashboard and waits until every tier is drawn, <host> is shown up, a VIP holder is shown and no alert
//    fires for <host> (alerts for other hosts are printed and left alone); prints "ready <ISO time>" (the caller
//    starts its drill then);
// 2. waits until the page shows <host> down and prints "down-seen <ISO time>"; then until the alert <alert> is listed
//    for it, prints "alert-seen <ISO time>" and takes a full-page screenshot (the host down and the alert);
// 3. waits until the page shows <host> up again and prints "up-seen <ISO time>".
// Every request the page makes must go to the dashboard itself (no CDN), and the page may raise no error.
// Exit 0 on success, 1 on failure (naming the step and what the page showed), 2 on bad usage. Bounded:
// E2E_TIMEOUT_MS (default 240 s).
import { chromium } from 'playwright-core';

const USAGE = 'usage: node dashboard.mjs <dashboard-url> <screenshot-path> <host> <alert>';
const [urlArg, shotPath, host, alert, ...extra] = process.argv.slice(2);
if (!urlArg || !shotPath || !host || !alert || extra.length) { console.error(USAGE); process.exit(2); }
let URL_;
try { URL_ = new URL(urlArg); } catch { console.error(`not a URL: ${urlArg}\n${USAGE}`); process.exit(2); }
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const OVERALL_MS = Number(process.env.E2E_TIMEOUT_MS || 240_000);

const t0 = Date.now();
let step = 'start';
let browser = null;
let page = null;
const pageErrors = [];
const foreign = [];
const say = (word) => console.log(`${word} ${new Date().toISOString()}`);
const log = (m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${m}`);

// The tiers, each host's up/down, the VIP holder and the alert list, as one line.
async function pageState() {
  if (!page) return '(no page)';
  return page.evaluate(() => {
    const hosts = [...document.querySelectorAll('[data-tier] [data-host]')]
      .map((h) => `${h.dataset.host}:${h.dataset.up === 'true' ? 'up' : 'down'}${h.dataset.vip ? '+vip' : ''}`);
    const alerts = [...document.querySelectorAll('#alerts li')].map((li) => li.textContent);
    return `${document.querySelectorAll('[data-tier]').length} tiers; hosts ${hosts.join(' ') || 'none'}; `
      + `alerts: ${alerts.join('; ') || 'none drawn'}; ${document.getElementById('updated')?.textContent || 'never updated'}`;
  });
}

const timer = setTimeout(() => { console.error(`dashboard e2e: timed out in step "${step}"`); process.exit(1); }, OVERALL_MS);

try {
  step = 'launch Chromium';
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 20_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'] });
  page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('request', (r) => { if (new URL(r.url()).origin !== URL_.origin) foreign.push(r.url()); });

  step = 'open the dashboard';
  log(step);
  await page.goto(URL_.href, { waitUntil: 'load', timeout: 20_000 });

  // Only <host>'s own alerts must be gone: another alert may still fire from what ran before (ArchivingFailing looks
  // back 5 minutes, PrimaryChanged 2 after a database drill), and it is not what this test watches.
  step = `every tier drawn, ${host} up, no alert for ${host}`;
  log(step);
  await page.waitForFunction(([h]) => document.querySelectorAll('[data-tier]').length === 4
      && document.querySelector(`[data-host="${h}"][data-up="true"]`) !== null
      && document.querySelector(`#alerts li[data-alert-host="${h}"]`) === null
      && document.querySelector('#alerts li') !== null
      && document.querySelector('[data-vip="true"]') !== null, [host], { timeout: 90_000, polling: 250 });
  const others = await page.$$eval('#alerts li[data-alert]', (lis) => lis.map((li) => li.textContent));
  if (others.length) log(`alerts firing for other hosts, left alone: ${others.join('; ')}`);
  say('ready');

  step = `${host} shown down`;
  log(step);
  await page.waitForSelector(`[data-host="${host}"][data-up="false"]`, { timeout: 120_000, polling: 100 });
  say('down-seen');

  step = `alert ${alert} listed for ${host}`;
  log(step);
  await page.waitForSelector(`#alerts li[data-alert="${alert}"][data-alert-host="${host}"]`, { timeout: 60_000, polling: 100 });
  say('alert-seen');
  await page.screenshot({ path: shotPath, fullPage: true });
  log(`screenshot: ${shotPath}`);

  step = `${host} shown up again`;
  log(step);
  await page.waitForSelector(`[data-host="${host}"][data-up="true"]`, { timeout: 120_000, polling: 100 });
  say('up-seen');

  step = 'no page error, nothing fetched elsewhere';
  if (pageErrors.length) throw new Error(`errors in the page: ${pageErrors.join('; ')}`);
  if (foreign.length) throw new Error(`requests to other origins (the page must be self-contained): ${foreign.join(', ')}`);
  log('PASS');
  clearTimeout(timer);
  await browser.close();
  process.exit(0);
} catch (e) {
  console.error(`dashboard e2e: FAILED in step "${step}": ${e.message}`);
  // what the page showed then, so that a failure in CI names its cause
  const shown = await pageState().catch((err) => `(page not readable: ${err.message})`);
  console.error(`dashboard e2e: the page showed: ${shown}`);
  if (browser) await browser.close().catch(() => {});
  process.exit(1);
}
