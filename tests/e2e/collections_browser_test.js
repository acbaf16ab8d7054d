#!/usr/bin/env node
// The newsroom's collections in a real browser: the demo magazine served by `cinepress serve`,
// Debian's Chromium driven by playwright-core. A contributor cannot open them, and a post
// without the form's CSRF token is refused. An editor creates a collection, adds three reviews
// with the "Add article" search, publishes it, and drags the third to the top with the mouse:
// the public page shows the new order. Alt+Arrow Up moves a focused entry. A second editor
// without JavaScript reorders with the Move buttons; the first editor's next drag, from a page
// now out of date, is refused with who saved. `cinepress export` and `import` into a new site
// keep the order. The pages are audited with axe-core on a desktop and a phone.
//
//   node tests/e2e/collections_browser_test.js BINARY    (SCREENSHOTS=DIR keeps screenshots)
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { chromium, makeChecks, startServer, checkPage, finishWalk, screenshot,
  staffContext: signedIn } = require('./browser_common');

const binary = process.argv[2];
if (!binary || !fs.existsSync(binary)) {
  console.error('usage: collections_browser_test.js BINARY');
  process.exit(2);
}
const DESKTOP = { width: 1400, height: 1000 };
const PHONE = { width: 390, height: 844 };
const checks = makeChecks();
const { check } = checks;
const TITLES = ['Paper Weather', 'Low Water', 'Hollow Season'];

function staffContext(browser, url, site, email, role, viewport = DESKTOP, options = {}) {
  return signedIn(binary, browser, url, site, email, role, check, viewport, options);
}

// Asks `probe` again until it says true (the live site follows the store within a second).
async function eventually(page, probe) {
  for (let i = 0; i < 80; i++) {
    if (await probe()) return true;
    await page.waitForTimeout(100);
  }
  return false;
}

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

// The titles as the page at `url` lists them, in order (of TITLES).
function orderIn(text) {
  return TITLES.filter((t) => text.includes(t)).sort((a, b) => text.indexOf(a) - text.indexOf(b));
}

// A form post with the staff session's cookie and no CSRF token: its status.
function forgedPost(url, cookie, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: {
      cookie, 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end(body);
  });
}

(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cinepress-collections-browser-'));
  const site = path.join(root, 'site');
  let server = null;
  let browser = null;
  try {
    execFileSync(binary, ['demo', site], { stdio: 'ignore' });
    execFileSync(binary, ['import', site, '--site', site], { stdio: 'ignore' });
    server = await startServer(binary, site, ['--access-log', 'off']);
    const url = server.url;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });

    const writer = await staffContext(browser, url, site, 'writer@mag.example', 'author');
    const refused = await writer.page.goto(url + '/admin/collections/');
    check(refused.status() === 403, `an author cannot open the collections (${refused.status()})`);

    const ed = await staffContext(browser, url, site, 'ed@mag.example', 'editor');
    const page = ed.page;
    const cookie = (await ed.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const forged = await forgedPost(url + '/admin/collections/new/', cookie, 'title=Forged');
    check(forged === 403, `a post without the form's CSRF token is refused (${forged})`);

    // Create a collection and add three reviews with the search.
    await page.goto(url + '/admin/collections/');
    await checkPage(page, 'the collections', check);
    await submit(page, 'a:has-text("New collection")');
    await page.fill('#title', 'Festival Favourites');
    await page.fill('#dek', 'Three films we *keep* returning to.');
    await page.fill('#intro', 'Chosen in a long meeting.');
    await submit(page, 'button:has-text("Create the collection")');
    check((await page.innerText('h1')) === 'Festival Favourites', 'the collection is made');
    const admin = page.url().replace(/\?.*$/, '');
    for (const title of TITLES) {
      await page.fill('#q', title);
      await submit(page, 'form[role=search] button');
      await submit(page, `.found li:has-text("${title}") button:has-text("Add")`);
    }
    check(JSON.stringify(orderIn(await page.innerText('#entries'))) === JSON.stringify(TITLES),
      'the three reviews are in it in the order added');
    await submit(page, 'button:has-text("Publish")');
    const publicUrl = url + '/collections/festival-favourites/';
    const reader = await browser.newPage();
    const publicOrder = async () => {
      const r = await reader.goto(publicUrl);
      return r.status() === 200 ? orderIn(await reader.innerText('main')) : [];
    };
    check(await eventually(reader, async () => (await publicOrder()).length === 3),
      'the published collection has its page with the three reviews');
    await checkPage(page, 'a collection on a desktop', check);
    await screenshot(page, 'collection-desktop');

    // Drag the third to the top with the mouse, by its handle.
    const handle = page.locator('#entries li.entry').nth(2).locator('.handle');
    const firstBox = await page.locator('#entries li.entry').nth(0).boundingBox();
    const from = await handle.boundingBox();
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2, firstBox.y + 4, { steps: 12 });
    await page.mouse.up();
    const dragged = ['Hollow Season', 'Paper Weather', 'Low Water'];
    check(await eventually(page, async () => (await page.innerText('#order-status')).includes('Saved')),
      `the dragged order is saved (${await page.innerText('#order-status')})`);
    check(JSON.stringify(orderIn(await page.innerText('#entries'))) === JSON.stringify(dragged),
      'the dragged review is first in the newsroom');
    check(await eventually(reader, async () =>
      JSON.stringify(await publicOrder()) === JSON.stringify(dragged)),
    `the public page shows the new order (${await publicOrder()})`);

    // The keyboard: a focused entry moved with Alt+Arrow Up.
    await page.locator('#entries li.entry').nth(2).focus();
    await page.keyboard.press('Alt+ArrowUp');
    const keyed = ['Hollow Season', 'Low Water', 'Paper Weather'];
    check(await eventually(page, async () => (await page.innerText('#order-status')).includes('Low Water is number 2')),
      `Alt+Arrow Up moves the focused entry and says where (${await page.innerText('#order-status')})`);
    check(await eventually(reader, async () =>
      JSON.stringify(await publicOrder()) === JSON.stringify(keyed)), 'and the public page follows');

    // A second editor without JavaScript: the Move buttons post forms.
    const nojs = await staffContext(browser, url, site, 'night@mag.example', 'editor', PHONE,
      { javaScriptEnabled: false });
    await nojs.page.goto(admin);
    await screenshot(nojs.page, 'collection-phone-nojs');
    await submit(nojs.page, '#entries li.entry >> nth=0 >> button:has-text("Move down")');
    const buttoned = ['Low Water', 'Hollow Season', 'Paper Weather'];
    check(JSON.stringify(orderIn(await nojs.page.innerText('#entries'))) === JSON.stringify(buttoned),
      'Move down without JavaScript moves the entry');
    check((await nojs.page.innerText('main')).includes('Saved'), 'and says it is saved');
    check(await eventually(reader, async () =>
      JSON.stringify(await publicOrder()) === JSON.stringify(buttoned)), 'the public page follows the buttons');

    // The first editor's page is out of date now: their next move is refused, nothing lost.
    await page.locator('#entries li.entry').nth(0).locator('button:has-text("Move down")').click();
    check(await eventually(page, async () => (await page.innerText('#order-status')).includes('night@mag.example changed this collection')),
      `a move from an out-of-date page is refused with who saved (${await page.innerText('#order-status')})`);
    await reader.waitForTimeout(300);
    check(JSON.stringify(await publicOrder()) === JSON.stringify(buttoned), 'and the order stays theirs');
    await page.setViewportSize(PHONE);
    await page.goto(admin);
    await checkPage(page, 'a collection on a phone', check);
    await screenshot(page, 'collection-phone');
    await reader.setViewportSize(PHONE);
    await reader.goto(publicUrl);
    await screenshot(reader, 'collection-public-phone');

    // Export, then import into a new site: the order is kept.
    const out = path.join(root, 'export');
    execFileSync(binary, ['export', out, '--site', site], { stdio: 'ignore' });
    const exported = fs.readFileSync(path.join(out, 'content/collections/festival-favourites.md'), 'utf8');
    check(exported.includes('Low Water') || /items:/.test(exported), 'the collection is exported with its items');
    const second = path.join(root, 'second');
    execFileSync(binary, ['demo', second], { stdio: 'ignore' });
    execFileSync(binary, ['import', out, '--site', second], { stdio: 'ignore' });
    execFileSync(binary, ['build', '--site', second], { stdio: 'ignore' });
    const built = fs.readFileSync(path.join(second, 'public/collections/festival-favourites/index.html'), 'utf8');
    check(JSON.stringify(orderIn(built)) === JSON.stringify(buttoned),
      `the imported site builds the collection in the same order (${orderIn(built)})`);
  } catch (e) {
    check(false, `the walk-through stopped: ${e.stack || e}`);
  } finally {
    await finishWalk('collections_browser_test', root, browser, [server], checks);
  }
})();
