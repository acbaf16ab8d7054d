#!/usr/bin/env node
// The shop in a real browser on a phone: the demo magazine with [payments] pointed at the local
// Stripe double (tests/stripe/stripe_double.py), `cinepress serve`, Debian's Chromium driven by
// playwright-core, a real SMTP server. /shop/ and the ebook's page are audited with axe-core (no
// sideways scrolling on a 390px screen); the reader types an address, Buy → the double's
// checkout page → Pay → back on the ebook's page → the receipt's signed link downloads the EPUB.
// SCREENSHOTS=DIR saves the shop and the product page as PNGs.
//
//   node tests/e2e/shop_browser_test.js BINARY
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium, makeChecks, startServer, checkPage, waitForMail, finishWalk,
  startPaymentsDemo, screenshot } = require('./browser_common');

const binary = process.argv[2];
if (!binary || !fs.existsSync(binary)) {
  console.error('usage: shop_browser_test.js BINARY');
  process.exit(2);
}
const SECRET = 'whsec_shop_browser';
const checks = makeChecks();
const { check } = checks;

(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cinepress-shop-browser-'));
  let server = null;
  let recorder = null;
  let double = null;
  let browser = null;
  try {
    const demo = await startPaymentsDemo(binary, root, SECRET);
    ({ double, recorder } = demo);
    const { site, mail, port, url, env } = demo;
    server = await startServer(binary, site, ['--access-log', 'off'], `127.0.0.1:${port}`, env);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });

    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(url + '/shop/');
    check((await page.innerText('h1')) === 'Shop', 'the shop opens');
    await checkPage(page, 'shop', check);
    await screenshot(page, 'shop-index');
    await page.click('a:has-text("Quiet Rooms")');
    check(page.url() === url + '/shop/quiet-rooms/', `a product opens its page (${page.url()})`);
    await checkPage(page, 'ebook', check);
    await screenshot(page, 'shop-ebook');
    await page.goto(url + '/shop/demo-tshirt/');
    await checkPage(page, 'T-shirt', check);
    await screenshot(page, 'shop-tshirt');
    check(await page.locator('input[value=LT-M-WHT]').isDisabled(), 'a sold-out size cannot be chosen');

    await page.goto(url + '/shop/quiet-rooms/');
    await page.fill('#buy-email', 'browser@reader.example');
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Buy")')]);
    check(page.url().startsWith(double.url + '/checkout/cs_'), `Buy leads to the checkout page (${page.url()})`);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Pay")')]);
    check(page.url().startsWith(url + '/shop/quiet-rooms/?bought='), `paying returns to the book (${page.url()})`);
    const message = await waitForMail(mail, 1);
    const link = (message.replace(/=\r?\n/g, '').replace(/=3D/g, '=')
      .match(/https?:\/\/\S+\/shop\/download\/\S+\/quiet-rooms\.epub/) || [])[0];
    check(Boolean(link), 'the receipt has a download link');
    const download = await page.request.get(link);
    const epub = fs.readFileSync(path.join(site, 'content', 'shop', 'quiet-rooms.epub'));
    const body = await download.body();
    check(download.status() === 200 && Buffer.compare(body, epub) === 0,
          `the link downloads the EPUB (${download.status()}, ${body.length} bytes)`);
    check((download.headers()['content-disposition'] || '').includes('quiet-rooms.epub'),
          'as a file named after the book');
    await context.close();
  } catch (e) {
    check(false, `the walk-through stopped: ${e.stack || e}`);
  } finally {
    await finishWalk('shop_browser_test', root, browser, [server, recorder, double], checks);
  }
})();
