#!/usr/bin/env node
// Workshops in a real browser, on a phone and on a desktop: the demo magazine with [payments]
// pointed at the local Stripe double (tests/stripe/stripe_double.py), `cinepress serve`, Debian's
// Chromium driven by playwright-core, a recording SMTP server. /workshops/ and the upcoming
// workshop's page are audited with axe-core (no sideways scrolling); the reader fills in the
// the page's calendar link gives text/calendar without the joining link. A free member signs in
// (the code from the message), fills in the Register form → the double's checkout page → Pay →
// back on the workshop's page → the confirmation arrives with the joining link and the calendar
// file attached, and My Account has the workshop's material at a signed link that downloads
// byte-identical. Then a patron signs in (the code from the message), registers free, finds the
// workshop in My Account (audited on a phone and a desktop) with its material at a signed link
// that downloads byte-identical (a range: 206), a tampered one refused (403); after `workshops
// cancel` the same link is gone (410) and My Account says the registration was cancelled.
// SCREENSHOTS=DIR saves the pages as PNGs.
//
//   node tests/e2e/workshops_browser_test.js BINARY
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium, makeChecks, startServer, checkPage, waitForMail, finishWalk,
  startPaymentsDemo, memberSignIn, screenshot } = require('./browser_common');

const binary = process.argv[2];
if (!binary || !fs.existsSync(binary)) {
  console.error('usage: workshops_browser_test.js BINARY');
  process.exit(2);
}
const SECRET = 'whsec_workshops_browser';
const SLUG = 'writing-the-apartment-film';
const JOINING_LINK = 'https://meet.changeover.example/apartment-film';
const PATRON = 'patron@reader.example';
const MEMBER = 'browser@reader.example';  // a free member: pays for the workshop
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const checks = makeChecks();
const { check } = checks;

// My Account signed in, on a phone and a desktop: audited, and a screenshot of each.
async function auditAccount(browser, cookies, url, label) {
  for (const [name, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    const context = await browser.newContext({ viewport });
    await context.addCookies(cookies);
    const page = await context.newPage();
    await page.goto(url + '/account/');
    await checkPage(page, `${name} my-account ${label}`, check);
    await screenshot(page, `workshops-${name}-account-${label}`);
    await context.close();
  }
}

// A patron signs in, registers free, and downloads the workshop's material from My Account;
// then the workshop is cancelled.
async function patronsMaterials(browser, { binary, site, mail, url, env }) {
  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  await memberSignIn(page, url, mail, PATRON, 3, check);
  await page.goto(`${url}/workshops/${SLUG}/`);
  await page.fill('#register-email', PATRON);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Register")')]);
  check((await page.innerText('main')).includes('You are registered'), 'the patron is registered free');

  await page.goto(url + '/account/');
  const section = page.locator('section[aria-labelledby="account-workshops"]');
  const text = await section.innerText();
  check(text.includes('Writing the Apartment Film') && text.includes('(America/Toronto)') &&
        text.includes('reading-list.txt') && !text.includes('Where:'),
        'My Account lists the workshop, its sessions and its material (online: no address)');
  check(await section.locator(`a[href="${JOINING_LINK}"]`).count() === 1, 'with the joining link');
  const href = await section.locator('a[download]').first().getAttribute('href');
  check(/^\/workshops\/materials\/[^/]+\/writing-the-apartment-film\/reading-list\.txt$/.test(href || ''),
        `the material is at a signed link (${href})`);
  const original = fs.readFileSync(path.join(site, 'content', 'workshops', SLUG, 'reading-list.txt'));
  const [download] = await Promise.all([page.waitForEvent('download'),
    section.locator('a[download]').first().click()]);
  const saved = fs.readFileSync(await download.path());
  check(saved.equals(original), `the download is byte-identical (${saved.length} of ${original.length} bytes)`);
  const range = await page.request.get(url + href, { headers: { Range: 'bytes=0-9' } });
  check(range.status() === 206 && (await range.body()).equals(original.subarray(0, 10)),
        `a range of it is 206 (${range.status()})`);
  const token = href.split('/')[3];
  const tampered = href.replace(token, token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'));
  const refused = await page.request.get(url + tampered);
  check(refused.status() === 403, `a tampered link is refused (${refused.status()})`);
  const cookies = await context.cookies();
  await auditAccount(browser, cookies, url, 'registered');

  execFileSync(binary, ['workshops', 'cancel', SLUG, '--site', site], { env, stdio: 'ignore' });
  const gone = await page.request.get(url + href);
  check(gone.status() === 410, `after cancel the same link is gone (${gone.status()})`);
  await page.goto(url + '/account/');
  const after = await page.locator('section[aria-labelledby="account-workshops"]').innerText();
  check(after.includes('This registration was cancelled') && !after.includes('reading-list.txt'),
        'My Account says it was cancelled, without the material');
  await auditAccount(browser, cookies, url, 'cancelled');
  await context.close();
}

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
    execFileSync(binary, ['members', 'add', PATRON, '--tier', 'patron', '--site', site]);
    execFileSync(binary, ['members', 'add', MEMBER, '--name', 'Browser Reader', '--site', site]);
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
    await memberSignIn(page, url, mail, MEMBER, 1, check);
    await page.goto(`${url}/workshops/${SLUG}/`);
    await page.fill('#register-name', 'Browser Reader');
    await page.fill('#register-email', MEMBER);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Register")')]);
    check(page.url().startsWith(double.url + '/checkout/cs_'), `Register leads to the checkout page (${page.url()})`);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Pay")')]);
    check(page.url().startsWith(`${url}/workshops/${SLUG}/`), `paying returns to the workshop (${page.url()})`);
    const message = (await waitForMail(mail, 2)).replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    check(message.includes('To: ') && message.includes(MEMBER), 'the confirmation goes to the reader');
    check(message.includes(JOINING_LINK), 'the confirmation has the joining link');
    check(/Content-Type: text\/calendar[^\r\n]*/.test(message) && message.includes(`${SLUG}.ics`),
          'the confirmation has the calendar file attached');
    // The member who paid finds the workshop's material in My Account.
    await page.goto(url + '/account/');
    const paid = page.locator('section[aria-labelledby="account-workshops"]');
    check((await paid.innerText()).includes('reading-list.txt'), 'the paying member sees the material in My Account');
    const link = await paid.locator('a[download]').first().getAttribute('href');
    const got = await page.request.get(url + link);
    const want = fs.readFileSync(path.join(site, 'content', 'workshops', SLUG, 'reading-list.txt'));
    check(got.status() === 200 && (await got.body()).equals(want),
          `the paying member's download is byte-identical (${got.status()})`);
    await context.close();
    await patronsMaterials(browser, { binary, site, mail, url, env });
  } catch (e) {
    check(false, `the walk-through stopped: ${e.stack || e}`);
  } finally {
    await finishWalk('workshops_browser_test', root, browser, [server, recorder, double], checks);
  }
})();
