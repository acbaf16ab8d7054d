#!/usr/bin/env node
// Readers' accounts in a real browser: the demo magazine (members and tiers on) served by
// `cinepress serve`, Debian's Chromium driven by playwright-core, a real SMTP server (aiosmtpd)
// for the sign-in message. With JavaScript off, as some readers browse: a paid review shows its
// paywall box; the reader signs in with the form and the code from the message, lands on My
// Account, and the review is then whole. Every page (paywall, sign-in, check your email, My
// Account, membership) is audited with axe-core on a phone and a desktop.
//
//   node tests/e2e/members_browser_test.js BINARY
//   SCREENSHOTS=/tmp/shots node tests/e2e/members_browser_test.js BINARY
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium, makeChecks, startServer, checkPage, demoWithRecorder, waitForMail, finishWalk } = require('./browser_common');

const binary = process.argv[2];
if (!binary || !fs.existsSync(binary)) {
  console.error('usage: members_browser_test.js BINARY');
  process.exit(2);
}
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const PAID = '/reviews/the-glass-orchard/';
const checks = makeChecks();
const { check } = checks;

async function audit(context, url, label, shots) {
  const page = await context.newPage();
  await page.goto(url);
  await checkPage(page, label, check);
  if (shots) await page.screenshot({ path: path.join(shots, `${label.replace(/\W+/g, '-')}.png`), fullPage: true });
  await page.close();
}

(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cinepress-members-browser-'));
  const shots = process.env.SCREENSHOTS;
  if (shots) fs.mkdirSync(shots, { recursive: true });
  let server = null;
  let recorder = null;
  let browser = null;
  try {
    const demo = await demoWithRecorder(binary, root);
    ({ recorder } = demo);
    const { site, mail } = demo;
    execFileSync(binary, ['members', 'add', 'reader@example.org', '--name', 'Ada Reader',
                          '--tier', 'supporter', '--until', '2099-12-31', '--site', site]);
    server = await startServer(binary, site, ['--access-log', 'off']);
    const url = server.url;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });

    // Audits, with JavaScript on (axe runs in the page), before signing in.
    for (const [name, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
      const context = await browser.newContext({ viewport });
      for (const [p, label] of [[PAID, 'paywall'], ['/account/sign-in/', 'sign-in'], ['/membership/', 'membership']]) {
        await audit(context, url + p, `${name} ${label}`, shots);
      }
      await context.close();
    }

    // A reader with JavaScript off.
    const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(url + PAID);
    check(await page.locator('.paywall').count() === 1, 'the paid review shows the paywall box');
    check(await page.locator('.story__locked').count() === 0, 'and not its locked part');
    await Promise.all([page.waitForNavigation(), page.click('.paywall__sign-in a')]);
    check(page.url() === url + '/account/sign-in/', `the box's link leads to sign-in (${page.url()})`);
    await page.fill('#sign-in-email', 'reader@example.org');
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Send me a sign-in link")')]);
    check((await page.innerText('h1')).includes('Check your email'), 'the form answers "Check your email"');
    const message = await waitForMail(mail, 1);
    const code = (message.match(/\b(\d{6})\b/) || [])[1];
    check(Boolean(code), 'the message has a six-digit code');
    await page.fill('#sign-in-code', code || '');
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Sign in")')]);
    check(page.url().startsWith(url + '/account/'), `the code leads to My Account (${page.url()})`);
    const account = await page.innerText('main');
    check(account.includes('Supporter') && account.includes('reader@example.org'),
          'My Account shows the tier and the address');
    await page.goto(url + PAID);
    check(await page.locator('.paywall').count() === 0, 'signed in, the review has no paywall box');
    check(await page.locator('.story__locked').count() === 1, 'and shows its locked part');
    if (shots) await page.screenshot({ path: path.join(shots, 'phone-paid-signed-in.png'), fullPage: true });

    // My Account audited, signed in (the session cookie carried into a JavaScript-on context).
    const cookies = await context.cookies();
    for (const [name, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
      const signedIn = await browser.newContext({ viewport });
      await signedIn.addCookies(cookies);
      await audit(signedIn, url + '/account/', `${name} my-account`, shots);
      await signedIn.close();
    }
    await context.close();
  } catch (e) {
    check(false, `the walk-through stopped: ${e.stack || e}`);
  } finally {
    await finishWalk('members_browser_test', root, browser, [server, recorder], checks);
  }
})();
