#!/usr/bin/env node
// The newsroom in a real browser: the demo magazine served by `cinepress serve`, Debian's
// Chromium driven by playwright-core. On a phone with JavaScript off, an admin follows the
// invitation printed by `cinepress staff add`, sets a password, signs in, sets up two-factor
// sign-in (the code computed here, RFC 6238 with node's crypto) and reaches the dashboard. Every
// newsroom page (sign-in, invitation, two-factor set-up, code, dashboard, articles, staff,
// account, integrations — one made, its keys shown, revoked after asking —, a piece's delete page
// and the list after it) is audited with axe-core on a phone and must not scroll sideways; the
// integrations page on a desktop too.
//
//   node tests/e2e/newsroom_browser_test.js BINARY
//   SCREENSHOTS=/tmp/shots node tests/e2e/newsroom_browser_test.js BINARY
'use strict';

const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium, makeChecks, startServer, checkPage } = require('./browser_common');

const binary = process.argv[2];
if (!binary || !fs.existsSync(binary)) {
  console.error('usage: newsroom_browser_test.js BINARY');
  process.exit(2);
}
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1400, height: 1000 };
const PASSWORD = 'a long enough password';
const { check, failures, count } = makeChecks();

// RFC 6238: HMAC-SHA1 over the 30-second step, six digits; the secret in base32.
function totp(secret, at) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30)));
  const h = crypto.createHmac('sha1', Buffer.from(bytes)).update(counter).digest();
  const o = h[h.length - 1] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// `staff add`'s invitation, as a path on the server.
function invite(site, email, role) {
  const out = execFileSync(binary, ['staff', 'add', email, '--role', role, '--site', site], { encoding: 'utf8' });
  return out.match(/\/admin\/invitation\/\?token=\S+/)[0];
}

async function audit(page, label, shots) {
  await checkPage(page, label, check);
  if (shots) await page.screenshot({ path: path.join(shots, `${label.replace(/\W+/g, '-')}.png`), fullPage: true });
}

async function submit(page, button) {
  await Promise.all([page.waitForNavigation(), page.click(`button:has-text("${button}")`)]);
}

async function acceptAndSignIn(page, url, link, email) {
  await page.goto(url + link);
  await page.fill('#password', PASSWORD);
  await page.fill('#password_again', PASSWORD);
  await submit(page, 'Set my password');
  await page.goto(url + '/admin/sign-in/');
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await submit(page, 'Sign in');
}

(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cinepress-newsroom-browser-'));
  const site = path.join(root, 'site');
  const shots = process.env.SCREENSHOTS;
  if (shots) fs.mkdirSync(shots, { recursive: true });
  let server = null;
  let browser = null;
  try {
    execFileSync(binary, ['demo', site], { stdio: 'ignore' });
    const chiefLink = invite(site, 'chief@mag.example', 'admin');
    const deputyLink = invite(site, 'deputy@mag.example', 'admin');
    server = await startServer(binary, site, ['--access-log', 'off']);
    const url = server.url;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });

    // The walk, on a phone, without JavaScript.
    const walk = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const page = await walk.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(url + '/admin/');
    check(page.url() === url + '/admin/sign-in/', `the newsroom asks a stranger to sign in (${page.url()})`);
    await page.goto(url + chiefLink);
    check((await page.innerText('main')).includes('chief@mag.example'), 'the invitation names the address');
    await page.fill('#password', PASSWORD);
    await page.fill('#password_again', PASSWORD);
    await submit(page, 'Set my password');
    check((await page.innerText('h1')).includes('Password set'), 'the password is set');
    await Promise.all([page.waitForNavigation(), page.click('main a:has-text("Sign in")')]);
    await page.fill('#email', 'chief@mag.example');
    await page.fill('#password', PASSWORD);
    await submit(page, 'Sign in');
    check(page.url() === url + '/admin/two-factor/setup/', `an admin is asked to set up two-factor sign-in (${page.url()})`);
    const secret = (await page.innerText('code.secret')).trim();
    check(/^[A-Z2-7]{32}$/.test(secret), `the secret is shown as text (${secret})`);
    await page.fill('#code', totp(secret, Date.now() / 1000));
    await submit(page, 'Turn on two-factor sign-in');
    check((await page.locator('ul.codes li').count()) === 10, 'ten recovery codes are shown');
    await Promise.all([page.waitForNavigation(), page.click('a:has-text("Go to the dashboard")')]);
    check((await page.innerText('h1')) === 'Dashboard', 'the dashboard opens');
    check((await page.innerText('main')).includes('published'), 'the dashboard counts the articles');
    const cookies = await walk.cookies();
    await walk.close();

    // Audits, with JavaScript on (axe runs in the page), on a phone.
    const fresh = await browser.newContext({ viewport: PHONE });
    const p1 = await fresh.newPage();
    await p1.goto(url + '/admin/sign-in/');
    await audit(p1, 'phone sign-in', shots);
    await p1.goto(url + deputyLink);
    await audit(p1, 'phone invitation', shots);
    await acceptAndSignIn(p1, url, deputyLink, 'deputy@mag.example');
    check(p1.url() === url + '/admin/two-factor/setup/', 'the second admin is sent to the set-up');
    await audit(p1, 'phone two-factor set-up', shots);
    await fresh.close();

    const again = await browser.newContext({ viewport: PHONE });
    const p2 = await again.newPage();
    await p2.goto(url + '/admin/sign-in/');
    await p2.fill('#email', 'chief@mag.example');
    await p2.fill('#password', PASSWORD);
    await submit(p2, 'Sign in');
    check(p2.url() === url + '/admin/two-factor/', 'signing in again asks for a code');
    await audit(p2, 'phone two-factor code', shots);
    await again.close();

    const signedIn = await browser.newContext({ viewport: PHONE });
    await signedIn.addCookies(cookies);
    const p3 = await signedIn.newPage();
    for (const [p, label] of [['/admin/', 'dashboard'], ['/admin/articles/?section=reviews', 'articles'],
                              ['/admin/staff/', 'staff'], ['/admin/account/', 'account']]) {
      await p3.goto(url + p);
      check(p3.url() === url + p, `${label} opens signed in (${p3.url()})`);
      await audit(p3, `phone ${label}`, shots);
    }
    // The integrations page: one made, its keys shown on the answer, revoked after asking.
    await p3.goto(url + '/admin/integrations/');
    await audit(p3, 'phone integrations', shots);
    // An empty list says so, without a table of headers over nothing.
    check((await p3.locator('main table').count()) === 0, 'no integration and no webhook: no empty tables');
    check((await p3.innerText('main')).includes('No integrations yet.'), 'the page says there is no integration');
    await p3.fill('#integration-name', 'phone-app');
    await submit(p3, 'Make an integration');
    const key = await p3.innerText('#content-key');
    check(key.startsWith('cpc_'), `the new integration's Content API key is shown (${key.slice(0, 4)})`);
    check((await p3.locator('main table th', { hasText: 'Role' }).count()) === 1, 'the integration is listed in a table');
    await audit(p3, 'phone integration made', shots);
    await Promise.all([p3.waitForNavigation(), p3.click('a:has-text("Revoke phone-app")')]);
    check(p3.url() === url + '/admin/integrations/revoke/?name=phone-app', `revoking asks first (${p3.url()})`);
    await audit(p3, 'phone integration revoke', shots);
    await submit(p3, 'Revoke “phone-app”');
    check((await p3.innerText('main')).includes('Revoked “phone-app”'), 'the integration is revoked');
    check(!(await p3.content()).includes(key), 'its key is not shown again');
    const desk = await browser.newContext({ viewport: DESKTOP });
    await desk.addCookies(cookies);
    const p4 = await desk.newPage();
    await p4.goto(url + '/admin/integrations/');
    await audit(p4, 'desktop integrations', shots);
    await desk.close();
    // Deleting a piece from the editor: asked first, then deleted, back on the list.
    await p3.goto(url + '/admin/articles/?section=reviews&status=published');
    const edit = await p3.getAttribute('main table a[href$="/edit/"]', 'href');
    const pieceId = edit.match(/\/admin\/articles\/(\d+)\/edit\//)[1];
    await p3.goto(url + edit);
    await Promise.all([p3.waitForNavigation(), p3.click(`a[href="/admin/articles/${pieceId}/delete/"]`)]);
    check(p3.url() === `${url}/admin/articles/${pieceId}/delete/`, `the editor's delete link asks first (${p3.url()})`);
    await audit(p3, 'phone delete', shots);
    await submit(p3, 'Delete this piece');
    check(p3.url() === url + '/admin/articles/?deleted=1', `the piece is deleted, back on the list (${p3.url()})`);
    check((await p3.innerText('main')).includes('The piece was deleted.'), 'the list says so');
    await audit(p3, 'phone articles after a delete', shots);
    const gone = await p3.goto(`${url}/admin/articles/${pieceId}/edit/`);
    check(gone.status() === 404, `the deleted piece has no editor (${gone.status()})`);
    await signedIn.close();
  } catch (e) {
    check(false, `the walk-through stopped: ${e.stack || e}`);
  } finally {
    if (browser) await browser.close();
    if (server) server.proc.kill('SIGTERM');
    if (failures().length === 0) fs.rmSync(root, { recursive: true, force: true });
    else console.error(`kept ${root}`);
    console.log(`newsroom_browser_test: ${count() - failures().length} passed, ${failures().length} failed`);
    process.exit(failures().length === 0 ? 0 : 1);
  }
})();
