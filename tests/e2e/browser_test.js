#!/usr/bin/env node
// End-to-end in a real browser: the demo magazine served by `cinepress serve`, opened in Debian's
// Chromium (driven by playwright-core) on a phone and on a desktop. Checks what a reader notices:
// an accessibility audit (axe-core, WCAG 2.1 A and AA), no sideways scrolling, a comfortable
// measure, stills given room, the skip link, the menu and its submenus by keyboard and on a phone.
//
//   node tests/e2e/browser_test.js BINARY
//   SCREENSHOTS=/tmp/shots node tests/e2e/browser_test.js BINARY   (also saves a PNG per page)
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium, makeChecks, startServer, checkPage, watchCsp, cspViolations } = require('./browser_common');

const binary = process.argv[2];
if (!binary || !fs.existsSync(binary)) {
  console.error('usage: browser_test.js BINARY');
  process.exit(2);
}

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const { check, failures, count } = makeChecks();

// The first link in the served HTML whose path starts with `prefix` and has one more segment.
async function firstLink(page, url, prefix) {
  await page.goto(url);
  const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')));
  const re = new RegExp(`^${prefix}[^/]+/$`);
  const found = hrefs.find((h) => re.test(h));
  if (!found) throw new Error(`no link like ${prefix}…/ on ${url}`);
  return found;
}

// Average characters per line of the article's longest paragraphs, measured from the lines the
// browser actually laid out.
async function measure(page) {
  return page.evaluate(() => {
    const ps = [...document.querySelectorAll('.prose > p')].filter((p) => p.textContent.length > 300);
    const perLine = ps.map((p) => {
      const range = document.createRange();
      range.selectNodeContents(p);
      const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      return p.textContent.length / tops.size;
    });
    return perLine.length ? perLine.reduce((a, b) => a + b, 0) / perLine.length : 0;
  });
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cinepress-browser-'));
  const site = path.join(tmp, 'site');
  execFileSync(binary, ['demo', site], { stdio: 'ignore' });
  const server = await startServer(binary, site, ['--threads', '2']);
  const shots = process.env.SCREENSHOTS;
  if (shots) fs.mkdirSync(shots, { recursive: true });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const context = await browser.newContext({ viewport: DESKTOP });
    await watchCsp(context);
    const page = await context.newPage();
    const base = server.url;
    const cspErrors = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });

    const review = await firstLink(page, `${base}/reviews/`, '/reviews/');
    const film = await firstLink(page, `${base}${review}`, '/films/');
    const person = await firstLink(page, `${base}${film}`, '/people/');
    const pages = {
      home: '/', review, reviews: '/reviews/', film, person,
      'review-index': '/review-index/', 'interview-index': '/interview-index/', about: '/about/',
      'not-found': '/no-such-page/',
      // A person with a portrait and a bio, an interview and a dispatch linked to their records,
      // an edition with its dates, the search page.
      portrait: '/people/park-seo-yeon/', interview: '/interviews/park-seo-yeon/',
      dispatch: '/festivals/berlinale-2026-forum/', edition: '/festivals/berlinale/2026/',
      search: '/search/?q=winter',
    };

    for (const [viewportName, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      await page.setViewportSize(viewport);
      for (const [name, url] of Object.entries(pages)) {
        const label = `${viewportName} ${url}`;
        const response = await page.goto(`${base}${url}`);
        check(response.status() === (name === 'not-found' ? 404 : 200), `${label}: status ${response.status()}`);
        await checkPage(page, label, check);
        if (shots) await page.screenshot({ path: path.join(shots, `${viewportName}-${name}.png`), fullPage: true });
      }
    }

    // What an editor's magazine shows readers (issue 17): ratings said in words to assistive
    // technology, a portrait with its alt text, one search box on a phone's search page.
    await page.setViewportSize(DESKTOP);
    await page.goto(`${base}/reviews/the-tenant-upstairs/`);
    const ratings = await page.getByRole('img', { name: /^[0-9.]+ out of 5$/ }).count();
    check(ratings >= 1, `a review's rating is an image named in words (found ${ratings})`);
    await page.goto(`${base}/review-index/`);
    check(await page.getByRole('img', { name: /out of 5/ }).count() > 3, 'the Review Index shows ratings');
    await page.goto(`${base}/people/park-seo-yeon/`);
    const portrait = await page.$eval('.person-head__portrait img', (i) => ({ alt: i.alt, ok: i.complete && i.naturalWidth > 0 }));
    check(portrait.ok && portrait.alt.length > 10, `a person's portrait loads with its alt text (${JSON.stringify(portrait)})`);
    await page.setViewportSize(PHONE);
    await page.goto(`${base}/search/?q=winter`);
    const boxes = await page.$$eval('input[type=search]', (is) => is.filter((i) => i.offsetParent !== null).length);
    check(boxes === 1, `phone /search/: ${boxes} search boxes (want one)`);
    await page.setViewportSize(DESKTOP);

    // The served pages carry a strict Content-Security-Policy, and the theme lives within it:
    // its scripts at work (search as the reader types, the newsletter form) break nothing.
    const policy = (await (await page.goto(`${base}/`)).allHeaders())['content-security-policy'] || '';
    check(/script-src 'self'/.test(policy), `the pages carry a strict Content-Security-Policy: "${policy}"`);
    for (const url of ['/search/?q=the', '/newsletters/weekly/', '/archive/']) {
      await page.goto(`${base}${url}`);
      await page.waitForLoadState('networkidle');
      for (const v of await cspViolations(page)) check(false, `${url}: Content-Security-Policy: ${v}`);
    }
    await page.goto(`${base}/`);
    await page.fill('input[type=search]', 'film');
    await page.waitForTimeout(500);
    for (const v of await cspViolations(page)) check(false, `/ while searching: Content-Security-Policy: ${v}`);
    check(cspErrors.length === 0, `console errors from the Content-Security-Policy: ${cspErrors.join(' | ')}`);

    // Reading: a comfortable measure on a desktop, and the lead still wider than the text.
    await page.setViewportSize(DESKTOP);
    await page.goto(`${base}${review}`);
    const chars = await measure(page);
    check(chars >= 50 && chars <= 90, `desktop ${review}: ${chars.toFixed(0)} characters a line (want 50–90)`);
    const widths = await page.evaluate(() => ({
      still: document.querySelector('.lead-figure img')?.getBoundingClientRect().width ?? 0,
      prose: document.querySelector('.prose')?.getBoundingClientRect().width ?? 0 }));
    check(widths.still >= widths.prose && widths.prose > 0,
          `desktop ${review}: the lead still (${widths.still}px) is narrower than the text (${widths.prose}px)`);
    // Lazy images load as the reader scrolls down to them.
    for (let y = 0; y < 20000; y += 600) await page.mouse.wheel(0, 600);
    await page.waitForLoadState('networkidle');
    await page.waitForFunction(() => [...document.images].every((i) => i.complete));
    const images = await page.$$eval('img', (imgs) => imgs.map((i) => ({ src: i.currentSrc, ok: i.complete && i.naturalWidth > 0 })));
    for (const i of images) check(i.ok, `desktop ${review}: the image ${i.src} did not load`);
    check(images.length > 0, `desktop ${review}: no images`);

    // The skip link: the first Tab shows it, Enter moves focus into the main content.
    await page.goto(`${base}${review}`);
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => {
      const a = document.activeElement;
      const r = a.getBoundingClientRect();
      return { text: a.textContent, visible: r.top >= 0 && r.bottom <= window.innerHeight && r.width > 0 };
    });
    check(skip.text === 'Skip to content' && skip.visible, `skip link: first Tab focused "${skip.text}" (visible: ${skip.visible})`);
    await page.keyboard.press('Enter');
    const focused = await page.evaluate(() => document.activeElement.id);
    check(focused === 'content', `skip link: Enter moved focus to #${focused}, not #content`);

    // Desktop menu by keyboard: tabbing onto a parent item opens its submenu, whose links are reachable.
    await page.goto(`${base}/`);
    let opened = false;
    for (let i = 0; i < 40 && !opened; i++) {
      await page.keyboard.press('Tab');
      opened = await page.evaluate(() => {
        const a = document.activeElement;
        return !!a && a.classList.contains('submenu__link') && a.getBoundingClientRect().height > 0;
      });
    }
    check(opened, 'desktop menu: Tab never reached a visible submenu link');

    // Phone menu: closed at first, the "Menu" button opens it and its links are visible.
    await page.setViewportSize(PHONE);
    await page.goto(`${base}/`);
    const firstLinkVisible = () => page.isVisible('.menu__link');
    check(!(await firstLinkVisible()), 'phone menu: the menu is open before the reader asks');
    await page.click('.site-nav__toggle');
    check(await firstLinkVisible(), 'phone menu: the Menu button does not open the menu');
    const target = await page.evaluate(() => {
      const r = document.querySelector('.site-nav__toggle').getBoundingClientRect();
      return Math.min(r.width, r.height);
    });
    check(target >= 24, `phone menu: the Menu button is ${target}px (want a 24px target at least)`);
  } finally {
    await browser.close();
    server.proc.kill('SIGTERM');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (failures().length) {
    console.error(`browser_test: ${failures().length} of ${count()} checks failed`);
    process.exit(1);
  }
  console.log(`browser_test: all ${count()} checks passed`);
}

main().catch((err) => {
  console.error(`browser_test: ${err.stack || err}`);
  process.exit(1);
});
