#!/usr/bin/env node
// The editor in a real browser: the demo magazine served by `cinepress serve`, Debian's Chromium
// driven by playwright-core. An editor writes a review with a film; the preview beside the form
// is the theme's own article page; the script autosaves a draft; the review is scheduled a few
// seconds ahead and appears on the site at its time. Two browsers edit it at once: the second
// save gets the conflict page with both versions. A contributor has no publish button, and their
// publish post is refused with 403. The editor (on a desktop and a phone) and the conflict page
// are audited with axe-core.
//
//   node tests/e2e/editor_browser_test.js BINARY
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium, makeChecks, startServer, checkPage, finishWalk, staffContext: signedIn } = require('./browser_common');

const binary = process.argv[2];
if (!binary || !fs.existsSync(binary)) {
  console.error('usage: editor_browser_test.js BINARY');
  process.exit(2);
}
const DESKTOP = { width: 1400, height: 1000 };
const PHONE = { width: 390, height: 844 };
const checks = makeChecks();
const { check } = checks;

// A browser context signed in as a new staff member with `role`.
function staffContext(browser, url, site, email, role) {
  return signedIn(binary, browser, url, site, email, role, check, DESKTOP);
}

// The local date and time in `zone`, to the second, as datetime-local writes it.
function localTime(ms, zone) {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit',
    minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms));
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

async function save(page, label) {
  await Promise.all([page.waitForNavigation(), page.click(`#editor button:has-text("${label}")`)]);
}

(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cinepress-editor-browser-'));
  const site = path.join(root, 'site');
  let server = null;
  let browser = null;
  try {
    execFileSync(binary, ['demo', site], { stdio: 'ignore' });
    server = await startServer(binary, site, ['--access-log', 'off']);
    const url = server.url;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });

    // Write a review with a film.
    const ed = await staffContext(browser, url, site, 'ed@mag.example', 'editor');
    const page = ed.page;
    await page.goto(url + '/admin/articles/new/');
    await checkPage(page, 'the editor', check);
    check(await page.locator('#film-records option[value="After Dinner"]').count() === 1,
      'the film records are offered as suggestions');
    await page.fill('#title', 'The Quiet Orchard');
    await page.selectOption('#section', 'reviews');
    await page.fill('#dek', 'A patient film about trees.');
    await page.fill('#body', 'The orchard, seen over *one* year.\n\nA second paragraph.\n');
    await page.selectOption('#writers', ['maren-solheim']);
    await page.fill('#film_title', 'The Quiet Orchard');
    await page.fill('#film_year', '2026');
    await page.fill('#film_directors', 'Ines Varga');

    // The preview beside the form: the theme's article page, made by the server.
    const frame = page.frame({ name: 'preview' });
    await frame.waitForSelector('h1:has-text("The Quiet Orchard")');
    check(await frame.locator('em:has-text("one")').count() === 1, 'the preview renders the Markdown');
    check(await frame.locator('link[rel=stylesheet][href^="/assets/"]').count() > 0,
      'the preview is dressed by the theme');
    check(await frame.locator('text=Ines Varga').count() > 0, 'the preview shows the film facts');

    // Autosave: a draft after a pause in typing.
    await page.waitForFunction(() => /autosaved/.test(document.getElementById('autosave').textContent));
    const id = await page.inputValue('input[name=id]');
    check(Number(id) > 0, `the autosave stored the draft (id ${id}: ${await page.innerText('#autosave')})`);

    // Schedule it a few seconds ahead, in the site's time zone.
    const zone = (await page.innerText('label[for=publish_at] .hint')).match(/; (\S+) time/)[1];
    const at = Date.now() + 5000;
    await page.fill('#publish_at', localTime(at, zone));
    await save(page, 'Schedule');
    check((await page.innerText('main')).includes('Saved (schedule)'), 'the review is scheduled');
    const reader = await browser.newPage();
    let status = 0;
    for (let i = 0; i < 120 && status !== 200; i++) {
      status = (await reader.goto(url + '/reviews/the-quiet-orchard/')).status();
      if (status !== 200) await reader.waitForTimeout(250);
    }
    check(status === 200 && Date.now() >= at - 1000, `the review appears on the site at its time (${status})`);
    check((await reader.innerText('h1')).includes('The Quiet Orchard'), 'the page is the review');

    // Two browsers edit it at once.
    const bo = await staffContext(browser, url, site, 'bo@mag.example', 'editor');
    const edit = `${url}/admin/articles/${id}/edit/`;
    await page.goto(edit);
    await bo.page.goto(edit);
    await page.fill('#title', 'The Quiet Orchard, revised by Ed');
    await save(page, 'Update');
    check((await page.innerText('main')).includes('Saved (save)'), 'the first save is made');
    await bo.page.fill('#title', 'The Quiet Orchard, revised by Bo');
    await save(bo.page, 'Update');
    check((await bo.page.innerText('h1')).includes('Someone else saved this piece'), 'the second save is a conflict');
    check((await bo.page.inputValue('#theirs')).includes('revised by Ed'), 'the conflict shows their version');
    check((await bo.page.inputValue('#yours')).includes('revised by Bo'), 'the conflict shows your version');
    check(await bo.page.locator('.diff .added').count() > 0, 'the conflict shows the difference');
    await checkPage(bo.page, 'the conflict page', check);
    await reader.goto(url + '/reviews/the-quiet-orchard/');
    check(!(await reader.innerText('main')).includes('revised by Bo'), 'nothing was silently overwritten');

    // A contributor: no publish button, and the server refuses the post.
    const writer = await staffContext(browser, url, site, 'writer@mag.example', 'contributor');
    await writer.page.setViewportSize(PHONE);
    await writer.page.goto(url + '/admin/articles/new/');
    await checkPage(writer.page, 'the editor on a phone', check);
    check(await writer.page.locator('#editor button[value=publish]').count() === 0, 'a contributor has no publish button');
    await writer.page.fill('#title', 'A Contributor Draft');
    await save(writer.page, 'Save draft');
    const form = {};
    for (const name of ['csrf', 'id', 'revision']) form[name] = await writer.page.inputValue(`input[name=${name}]`);
    const refused = await writer.page.request.post(url + '/admin/articles/save/', {
      form: { ...form, action: 'publish', title: 'A Contributor Draft', section: 'reviews' },
      headers: { Origin: url, 'Sec-Fetch-Site': 'same-origin' } });
    check(refused.status() === 403, `a contributor's publish post is refused (${refused.status()})`);
  } catch (e) {
    check(false, `the walk-through stopped: ${e.stack || e}`);
  } finally {
    await finishWalk('editor_browser_test', root, browser, [server], checks);
  }
})();
