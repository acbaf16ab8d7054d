// bench/stills_bytes.js — the bytes a phone downloads for one page: Chromium (playwright-core, on
// Debian's /usr/bin/chromium) 390 px wide at DPR 3, the page read to its end (lazy images load),
// every response's body and headers summed. Used by bench/stills.sh.
//
//   node bench/stills_bytes.js URL...     prints "BYTES URL" per URL
'use strict';
const path = require('path');
const { chromium } = require(path.join(__dirname, '..', 'node_modules', 'playwright-core'));

async function pageBytes(browser, url) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true,
  });
  const page = await context.newPage();
  const requests = [];
  page.on('requestfinished', (r) => requests.push(r));
  await page.goto(url, { waitUntil: 'networkidle' });
  // Read to the end, a screen at a time, so that every lazy image below the fold is fetched.
  const height = await page.evaluate(() => document.body.scrollHeight);
  for (let y = 0; y <= height; y += 700) {
    await page.evaluate((to) => window.scrollTo(0, to), y);
    await page.waitForTimeout(50);
  }
  await page.waitForLoadState('networkidle');
  let bytes = 0;
  for (const r of requests) {
    const sizes = await r.sizes();
    bytes += sizes.responseBodySize + sizes.responseHeadersSize;
  }
  await context.close();
  return bytes;
}

(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  try {
    for (const url of process.argv.slice(2)) console.log(`${await pageBytes(browser, url)} ${url}`);
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
