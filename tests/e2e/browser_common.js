// What the browser tests share: the tally of checks, `cinepress serve` started on a free port,
// and the page checks every page gets (an axe-core audit, no sideways scrolling).
'use strict';

const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');

const repo = path.resolve(__dirname, '..', '..');
const { chromium } = require(path.join(repo, 'node_modules', 'playwright-core'));
const axeSource = fs.readFileSync(path.join(repo, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

// check(ok, what) records a check; failures() lists those that failed; count() all of them.
function makeChecks() {
  const failed = [];
  let n = 0;
  return {
    check(ok, what) {
      n++;
      if (!ok) {
        failed.push(what);
        console.error(`FAIL: ${what}`);
      }
    },
    failures: () => failed,
    count: () => n,
  };
}

// Starts `BINARY serve --site SITE` on `listen` (a port the kernel picks unless given); resolves
// with {proc, url}.
function startServer(binary, site, extra = [], listen = '127.0.0.1:0', env = process.env) {
  return new Promise((resolve, reject) => {
    const proc = spawn(binary, ['serve', '--site', site, '--listen', listen, ...extra],
                       { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 20000);
    const onData = (chunk) => {
      out += chunk;
      const m = out.match(/serve: listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        proc.removeAllListeners('exit');
        resolve({ proc, url: m[1].replace(/\/$/, '') });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`serve exited (${code}):\n${out}`)));
  });
}

// Records what the page's Content-Security-Policy blocks, on every page of the context: the
// securitypolicyviolation events, seen by a script that the browser runs before the page's own
// (through the DevTools protocol, which no policy blocks).
async function watchCsp(context) {
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(
      `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
  });
}

// What the policy blocked on the loaded page so far (watchCsp must have been called).
async function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations || ['watchCsp was not called']);
}

// The WCAG 2.1 A and AA audit of axe-core and the sideways-scrolling check, on the loaded page;
// and, when the context is watched (watchCsp), nothing blocked by the Content-Security-Policy.
async function checkPage(page, label, check) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  check(scroll <= inner, `${label}: page is ${scroll}px wide in a ${inner}px window (sideways scrolling)`);
  const blocked = await page.evaluate(() => window.__cspViolations || []);
  for (const v of blocked) check(false, `${label}: Content-Security-Policy: ${v}`);
  // Evaluated, not added as an inline <script>, which the page's policy rightly blocks.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  for (const v of result.violations) {
    const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ');
    check(false, `${label}: axe ${v.id} (${v.impact}): ${v.help} — ${where}`);
  }
  check(result.passes.length > 10, `${label}: axe ran its rules (${result.passes.length} passed)`);
}

// With SCREENSHOTS=DIR, the whole page as DIR/NAME.png (nothing otherwise).
async function screenshot(page, name) {
  if (!process.env.SCREENSHOTS) return;
  fs.mkdirSync(process.env.SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(process.env.SCREENSHOTS, `${name}.png`), fullPage: true });
}

// A TCP port on loopback that the kernel says is free now.
function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// The recording SMTP server (smtp_recorder.py) on a free port, writing each message to `folder`
// (a recorder that exits at once — its port taken meanwhile — is started again on another);
// waitForMail(folder, n) resolves with the n-th message's text once it has arrived.
async function startRecorder(folder, tries = 3) {
  const port = await freePort();
  const proc = spawn('/usr/bin/python3', [path.join(__dirname, 'smtp_recorder.py'), String(port), folder],
                     { stdio: ['ignore', 'pipe', 'pipe'] });
  const started = await new Promise((resolve) => {
    // A loaded machine (the whole suite on two cores) can take long to start Python.
    const timer = setTimeout(() => resolve(false), 60000);
    proc.stdout.on('data', (d) => {
      if (String(d).includes('ready')) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    proc.on('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (started) return { proc, port };
  proc.kill('SIGTERM');
  if (tries > 1) return startRecorder(folder, tries - 1);
  throw new Error('the SMTP recorder did not start');
}

// The demo magazine made by `binary` in ROOT/site, its mail sent to a recording SMTP server that
// writes to ROOT/mail; `edit` may change cinepress.toml's text further. {site, mail, recorder}.
async function demoWithRecorder(binary, root, edit = (text) => text) {
  const site = path.join(root, 'site');
  const mail = path.join(root, 'mail');
  fs.mkdirSync(mail);
  execFileSync(binary, ['demo', site], { stdio: 'ignore' });
  const recorder = await startRecorder(mail);
  const config = path.join(site, 'cinepress.toml');
  fs.writeFileSync(config, edit(fs.readFileSync(config, 'utf8')
    .replace(/^url = "smtp:\/\/127\.0\.0\.1:\d+"/m, `url = "smtp://127.0.0.1:${recorder.port}"`)));
  return { site, mail, recorder };
}

async function waitForMail(folder, n) {
  for (let i = 0; i < 150; i++) {
    const files = fs.readdirSync(folder).filter((f) => f.endsWith('.eml')).sort();
    if (files.length >= n) return fs.readFileSync(path.join(folder, files[n - 1]), 'utf8');
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no sign-in message arrived');
}

// The local Stripe double (tests/stripe/stripe_double.py) sending its events, signed with
// `secret`, to `webhook`: resolves with {proc, url} once it listens.
function startStripeDouble(root, webhook, secret) {
  const portFile = path.join(root, 'double-port');
  const proc = spawn('/usr/bin/python3', [path.join(__dirname, '..', 'stripe', 'stripe_double.py'),
    '--webhook', webhook, '--secret', secret, '--port-file', portFile], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    let tries = 0;
    const poll = setInterval(() => {
      if (fs.existsSync(portFile)) {
        clearInterval(poll);
        resolve({ proc, url: `http://127.0.0.1:${fs.readFileSync(portFile, 'utf8')}` });
      } else if (++tries > 200) {
        clearInterval(poll);
        reject(new Error('the Stripe double did not start (../shared/data/stripe/fixtures3.json?)'));
      }
    }, 50);
  });
}

// The demo magazine in ROOT/site with [payments] pointed at the Stripe double (`payments` added
// under it) and [smtp] at a recording SMTP server (its messages in ROOT/mail), for a server to be
// started on `port`: {site, mail, port, url, env (with Stripe's keys), double, recorder}.
async function startPaymentsDemo(binary, root, secret, payments = '') {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const double = await startStripeDouble(root, url + '/payments/stripe/webhook', secret);
  try {
    const { site, mail, recorder } = await demoWithRecorder(binary, root, (text) => text
      .replace(/^base_url = .*$/m, `base_url = "${url}"`) +
      `\n[payments]\nprovider = "stripe"\napi_base = "${double.url}"\n${payments}`);
    const env = { ...process.env, STRIPE_SECRET_KEY: 'sk_test_browser', STRIPE_WEBHOOK_SECRET: secret };
    return { site, mail, port, url, env, double, recorder };
  } catch (e) {
    double.proc.kill('SIGTERM');
    throw e;
  }
}

// A browser context signed in as a new staff member with `role` (no second factor: not an
// admin), invited by `BINARY staff add`; resolves with {context, page}. `options` are the
// context's own beside the viewport ({javaScriptEnabled: false}).
async function staffContext(binary, browser, url, site, email, role, check,
                            viewport = { width: 1400, height: 1000 }, options = {}) {
  const password = 'a long enough password';
  const out = execFileSync(binary, ['staff', 'add', email, '--role', role, '--site', site], { encoding: 'utf8' });
  const link = out.match(/\/admin\/invitation\/\?token=\S+/)[0];
  const context = await browser.newContext({ viewport, ...options });
  await watchCsp(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  await page.goto(url + link);
  await page.fill('#password', password);
  await page.fill('#password_again', password);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Set my password")')]);
  await page.goto(url + '/admin/sign-in/');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Sign in")')]);
  check(page.url() === url + '/admin/', `${email} signs in (${page.url()})`);
  return { context, page };
}

// Signs the reader `email` in on `page` at /account/sign-in/ with the 6-digit code of the `n`th
// message in the recorder's `mail` folder; checks that it leads to My Account.
async function memberSignIn(page, url, mail, email, n, check) {
  await page.goto(url + '/account/sign-in/');
  await page.fill('#sign-in-email', email);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Send me a sign-in link")')]);
  const code = ((await waitForMail(mail, n)).match(/\b(\d{6})\b/) || [])[1];
  await page.fill('#sign-in-code', code || '');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Sign in")')]);
  check(page.url().startsWith(url + '/account/'), `${email} is signed in (${page.url()})`);
}

// Ends a walk-through: closes the browser, stops what it started ({proc} objects), removes `root`
// unless a check failed (then it is kept for a look), prints `NAME: N passed, N failed` and exits.
async function finishWalk(name, root, browser, started, checks) {
  if (browser) await browser.close();
  for (const thing of started) if (thing) thing.proc.kill('SIGTERM');
  const failed = checks.failures().length;
  if (failed === 0) fs.rmSync(root, { recursive: true, force: true });
  else console.error(`kept ${root}`);
  console.log(`${name}: ${checks.count() - failed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

module.exports = { chromium, makeChecks, startServer, checkPage, watchCsp, cspViolations,
  freePort, startRecorder, demoWithRecorder, waitForMail, finishWalk, startStripeDouble,
  startPaymentsDemo, staffContext, memberSignIn, screenshot };
