#!/usr/bin/env node
// Workshops in a real browser, on a phone and on a desktop: the demo magazine with [payments]
// pointed at the local Stripe double (tests/stripe/stripe_double.py), `cinepress serve`, Debian's
// Chromium driven by playwright-core, a recording SMTP server. /workshops/ and the upcoming
// workshop's page are audited with axe-core (no sideways scrolling); the reader fills in the
// Register form → the double's checkout page → Pay → back on the workshop's page → the
// confirmation arrives with the joining link and the calendar file attached; the page's calendar link gives text/calendar
// without it. SCREENSHOTS=DIR saves the pages as PNGs.
//
//   node tests/e2e/workshops_browser_test.js BINARY
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium, makeChecks, startServer, checkPage, waitForMail, finishWalk,
  startPaymentsDemo, screenshot } = require('./browser_common');

const binary = process.argv[2];
if (!binary || !fs.existsSync(binary)) {
  console.error('usage: workshops_browser_test.js BINARY');
  process.exit(2);
}
const SECRET = 'whsec_workshops_browser';
const SLUG = 'writing-the-apartment-film';
const JOINING_LINK = 'https://meet.changeover.example/apartment-film';
const checks = makeChecks();
const { check } = checks;

(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cinepress-workshops-browser-'));
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

    for (const [name, viewport] of [['phone', { width: 390, height: 844 }],
                                    ['desktop', { width: 1280, height: 900 }]]) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      page.setDefaultTimeout(15000);
      await page.goto(url + '/');
      await page.click('footer a:has-text("Workshops & Masterclasses")');
      check(page.url() === url + '/workshops/', `${name}: the footer links the workshops (${page.url()})`);
      await checkPage(page, `${name} /workshops/`, check);
      await screenshot(page, `workshops-${name}-index`);
      await page.click('a:has-text("Writing the Apartment Film")');
      check(page.url() === `${url}/workshops/${SLUG}/`, `${name}: a workshop opens its page (${page.url()})`);
      await checkPage(page, `${name} workshop`, check);
      await screenshot(page, `workshops-${name}-workshop`);
      check(!(await page.content()).includes(JOINING_LINK), `${name}: the page never shows the joining link`);
      await context.close();
    }

    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(`${url}/workshops/${SLUG}/`);
    const ics = await page.request.get(url + await page.getAttribute('a[type="text/calendar"]', 'href'));
    const icsText = await ics.text();
    check(ics.status() === 200 && (ics.headers()['content-type'] || '').startsWith('text/calendar') &&
          icsText.startsWith('BEGIN:VCALENDAR') && !icsText.includes(JOINING_LINK),
          `the calendar link gives the public calendar file (${ics.status()})`);
    await page.fill('#register-name', 'Browser Reader');
    await page.fill('#register-email', 'browser@reader.example');
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Register")')]);
    check(page.url().startsWith(double.url + '/checkout/cs_'), `Register leads to the checkout page (${page.url()})`);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Pay")')]);
    check(page.url().startsWith(`${url}/workshops/${SLUG}/`), `paying returns to the workshop (${page.url()})`);
    const message = (await waitForMail(mail, 1)).replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    check(message.includes('To: ') && message.includes('browser@reader.example'), 'the confirmation goes to the reader');
    check(message.includes(JOINING_LINK), 'the confirmation has the joining link');
    check(/Content-Type: text\/calendar[^\r\n]*/.test(message) && message.includes(`${SLUG}.ics`),
          'the confirmation has the calendar file attached');
    await context.close();
  } catch (e) {
    check(false, `the walk-through stopped: ${e.stack || e}`);
  } finally {
    await finishWalk('workshops_browser_test', root, browser, [server, recorder, double], checks);
  }
})();
