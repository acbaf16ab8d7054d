#!/usr/bin/env node
// Donations in a real browser: the demo magazine with [payments] donation_amounts pointed at the
// local Stripe double (tests/stripe/stripe_double.py), `cinepress serve`, Debian's Chromium driven
// by playwright-core. A reader on a phone follows the footer's Donate link → /donate/ (audited
// with axe-core) → types another amount, Every month → the double's checkout page → Pay → the
// thank-you page (audited); then a preset, once, from a desktop; both donations are listed by
// `cinepress payments donations --csv`. The gift form and the recipient's redeem page are audited
// too.
//
//   node tests/e2e/donate_browser_test.js BINARY
'use strict';

const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium, makeChecks, startServer, checkPage, finishWalk, startPaymentsDemo } =
  require('./browser_common');

const binary = process.argv[2];
if (!binary || !fs.existsSync(binary)) {
  console.error('usage: donate_browser_test.js BINARY');
  process.exit(2);
}
const SECRET = 'whsec_donate_' + crypto.randomBytes(8).toString('hex');
const checks = makeChecks();
const { check } = checks;

async function payOnTheDouble(page, double, url, what) {
  check(page.url().startsWith(double.url + '/checkout/cs_'), `${what} leads to the checkout page (${page.url()})`);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Pay")')]);
  check(page.url().startsWith(url + '/donate/thanks/'), `paying returns to the thank-you page (${page.url()})`);
  check((await page.innerText('h1')).includes('Thank you'), 'the thank-you page thanks the donor');
}

(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cinepress-donate-browser-'));
  let server = null;
  let recorder = null;
  let double = null;
  let browser = null;
  try {
    const demo = await startPaymentsDemo(binary, root, SECRET,
      'donation_amounts = [500, 1000, 2500]\n');
    ({ double, recorder } = demo);
    const { site, port, url, env } = demo;
    execFileSync(binary, ['import', site, '--site', site], { stdio: 'ignore' });
    server = await startServer(binary, site, ['--access-log', 'off'], `127.0.0.1:${port}`, env);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });

    // A phone: the footer's link, another amount, every month.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    let page = await phone.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(url + '/');
    await Promise.all([page.waitForNavigation(), page.click('footer a:has-text("Donate")')]);
    check(page.url() === url + '/donate/', `the footer links to the donation page (${page.url()})`);
    await checkPage(page, 'donate', check);
    await page.check('#donate-amount-other');
    await page.fill('#donate-custom', '12.50');
    await page.check('#donate-monthly');
    await page.fill('#donate-email', 'phone@reader.example');
    await Promise.all([page.waitForNavigation(), page.click('form.donate button[type=submit]')]);
    await payOnTheDouble(page, double, url, 'another amount, every month,');
    await checkPage(page, 'donate-thanks', check);
    await phone.close();

    // A desktop: the first preset (chosen already), once.
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await desktop.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(url + '/donate/');
    check(await page.isChecked('#donate-amount-0'), 'the first amount is chosen already');
    await page.fill('#donate-email', 'desk@reader.example');
    await Promise.all([page.waitForNavigation(), page.click('form.donate button[type=submit]')]);
    await payOnTheDouble(page, double, url, 'a preset, once,');
    await desktop.close();

    // The gift pages: the form, and the recipient's button (its page is the same for any link).
    const gifts = await browser.newContext({ viewport: { width: 390, height: 844 } });
    page = await gifts.newPage();
    await page.goto(url + '/gift/');
    check(await page.locator('input[name=choice]').count() === 6, 'the gift form offers 3, 6 and 12 months of two tiers');
    await checkPage(page, 'gift', check);
    await page.goto(url + '/gift/redeem/?gift=abc&token=def');
    check(await page.locator('button:has-text("Redeem my gift")').count() === 1, 'the redeem page has its button');
    await checkPage(page, 'gift-redeem', check);
    await gifts.close();

    let listed = '';
    for (let i = 0; i < 50 && !listed.includes('desk@reader.example'); ++i) {
      listed = execFileSync(binary, ['payments', 'donations', '--csv', '--site', site]).toString();
      if (!listed.includes('desk@reader.example')) await new Promise((r) => setTimeout(r, 100));
    }
    check(listed.includes('"phone@reader.example",12.50,"usd",monthly') &&
          listed.includes('"desk@reader.example",5.00,"usd",one-off'),
          `both donations are listed:\n${listed}`);
  } catch (e) {
    check(false, `the walk-through stopped: ${e.stack || e}`);
  } finally {
    await finishWalk('donate_browser_test', root, browser, [server, recorder, double], checks);
  }
})();
