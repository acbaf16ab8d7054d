#!/usr/bin/env node
// Paid membership in a real browser, and the webhook's signatures against Stripe's own code.
// The demo magazine with [payments] pointed at the local Stripe double (tests/stripe/
// stripe_double.py), `cinepress serve`, Debian's Chromium driven by playwright-core, a real SMTP
// server. A reader who is not signed in: the paid review is locked → the membership page → types
// an address, Monthly → the double's checkout page → Pay → back on the welcome page → the
// sign-in message's link → the review is whole; Manage billing opens the portal. The membership
// and welcome pages are audited with axe-core. Then the npm `stripe` package's
// webhooks.generateTestHeaderString signs events that serve must accept (and refuse when the
// payload or secret differs), and stripe.webhooks.constructEvent accepts what the double signs.
//
//   node tests/e2e/payments_browser_test.js BINARY
'use strict';

const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium, makeChecks, startServer, checkPage, waitForMail, finishWalk,
  startPaymentsDemo } = require('./browser_common');

const repo = path.resolve(__dirname, '..', '..');
const Stripe = require(path.join(repo, 'node_modules', 'stripe'));
const binary = process.argv[2];
if (!binary || !fs.existsSync(binary)) {
  console.error('usage: payments_browser_test.js BINARY');
  process.exit(2);
}
const SECRET = 'whsec_browser_' + crypto.randomBytes(8).toString('hex');
const PAID = '/reviews/the-glass-orchard/';
const checks = makeChecks();
const { check } = checks;

async function postEvent(url, payload, header) {
  const r = await fetch(url + '/payments/stripe/webhook', {
    method: 'POST', body: payload,
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': header } });
  return r.status;
}

(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cinepress-payments-browser-'));
  let server = null;
  let recorder = null;
  let double = null;
  let browser = null;
  try {
    const demo = await startPaymentsDemo(binary, root, SECRET);
    ({ double, recorder } = demo);
    const { site, mail, port, url, env } = demo;
    execFileSync(binary, ['payments', 'sync', '--site', site], { env, stdio: 'ignore' });
    server = await startServer(binary, site, ['--access-log', 'off'], `127.0.0.1:${port}`, env);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });

    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(url + PAID);
    check(await page.locator('.story__locked').count() === 0, 'the paid review is locked at first');
    await page.goto(url + '/membership/');
    await checkPage(page, 'membership', check);
    const form = page.locator('#tier-supporter form');
    await form.locator('input[type=email]').fill('walker@reader.example');
    await Promise.all([page.waitForNavigation(), form.locator('button[value=month]').click()]);
    check(page.url().startsWith(double.url + '/checkout/cs_'),
          `Monthly leads to the checkout page (${page.url()})`);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Pay")')]);
    check(page.url().startsWith(url + '/membership/welcome/'), `paying returns to the site (${page.url()})`);
    check((await page.innerText('h1')).includes('Thank you'), 'the welcome page thanks the reader');
    await checkPage(page, 'welcome', check);
    const message = await waitForMail(mail, 1);
    const link = (message.replace(/=\r?\n/g, '').replace(/=3D/g, '=')
      .match(/https?:\/\/\S+\/account\/sign-in\/confirm\/\?token=[\w-]+/) || [])[0];
    check(Boolean(link) && message.includes('walker@reader.example'), 'a sign-in link was mailed');
    await page.goto(link);
    await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
    check(page.url().startsWith(url + '/account/'), `the link signs in (${page.url()})`);
    const account = await page.innerText('main');
    check(account.includes('Supporter'), 'My Account shows the tier paid for');
    await page.goto(url + PAID);
    check(await page.locator('.story__locked').count() === 1, 'the paid review is now whole');
    check(await page.locator('.paywall').count() === 0, 'and has no paywall box');
    await page.goto(url + '/account/');
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Manage billing")')]);
    check(page.url().startsWith(double.url + '/portal/'), `Manage billing opens the portal (${page.url()})`);
    await context.close();

    // The signatures, against Stripe's own library.
    const stripe = Stripe('sk_test_browser');
    const event = JSON.stringify({ id: 'evt_node_1', object: 'event', type: 'customer.created',
      created: Math.floor(Date.now() / 1000), data: { object: { id: 'cus_node', object: 'customer' } } });
    const header = stripe.webhooks.generateTestHeaderString({ payload: event, secret: SECRET });
    check(await postEvent(url, event, header) === 200, "serve accepts Stripe's own signature");
    check(await postEvent(url, event.replace('cus_node', 'cus_evil'), header) === 400,
          "and refuses it over another payload");
    const other = stripe.webhooks.generateTestHeaderString({ payload: event, secret: 'whsec_other' });
    check(await postEvent(url, event, other) === 400, 'and refuses another secret');
    const stale = stripe.webhooks.generateTestHeaderString({
      payload: event, secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 600 });
    check(await postEvent(url, event, stale) === 400, 'and refuses a stale timestamp');
    // Stripe's verifier accepts what the double signs (so the e2e tests sign as Stripe does).
    const signed = execFileSync('/usr/bin/python3', ['-c',
      'import sys; sys.path.insert(0, sys.argv[1]); import stripe_double as d; ' +
      'print(d.sign(sys.argv[2].encode(), sys.argv[3], int(sys.argv[4])))',
      path.join(repo, 'tests', 'stripe'), event, SECRET, String(Math.floor(Date.now() / 1000))])
      .toString().trim();
    let parsed = null;
    try {
      parsed = stripe.webhooks.constructEvent(event, signed, SECRET);
    } catch (e) {
      parsed = null;
    }
    check(parsed && parsed.id === 'evt_node_1', "Stripe's constructEvent accepts the double's signature");
  } catch (e) {
    check(false, `the walk-through stopped: ${e.stack || e}`);
  } finally {
    await finishWalk('payments_browser_test', root, browser, [server, recorder, double], checks);
  }
})();
