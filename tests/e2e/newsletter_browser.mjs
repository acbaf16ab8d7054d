// A reader in a real browser with JavaScript off (Debian's chromium, driven by playwright-core):
// signs up with the form on an article page, or presses the button on a confirmation page.
//
//   node tests/e2e/newsletter_browser.mjs signup  URL EMAIL   -> prints the answer page's text
//   node tests/e2e/newsletter_browser.mjs confirm URL         -> presses "Confirm my subscription"
//
// Exits 1 with the reason when a step fails; every wait has a timeout.
import { chromium } from 'playwright-core';

const [mode, url, email] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
                                        args: ['--no-sandbox'] });
try {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(url);
  if (mode === 'signup') {
    await page.fill('#signup-email', email);
    await Promise.all([page.waitForNavigation(), page.click('.signup button[type=submit]')]);
  } else if (mode === 'confirm') {
    await Promise.all([page.waitForNavigation(),
                       page.click('button:has-text("Confirm my subscription")')]);
  } else {
    throw new Error('unknown mode ' + mode);
  }
  console.log(JSON.stringify({ url: page.url(), text: await page.innerText('main') }));
} catch (e) {
  console.error(String(e));
  process.exitCode = 1;
} finally {
  await browser.close();
}
