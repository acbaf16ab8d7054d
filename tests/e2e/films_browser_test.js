#!/usr/bin/env node
// The newsroom's film records in a real browser: the demo magazine (with a dispatch that names
// "The Tide Table", a duplicate of the reviewed "The Tide Tables") served by `cinepress serve`,
// Debian's Chromium driven by playwright-core. An editor finds a film, changes its year and IMDb
// id: the film's page shows them and its JSON-LD's sameAs has the id. The duplicate is merged
// into the film: its old address answers 301 to the film's page. A person's sort name moves them
// in the Interview Index by family name. A duplicate person (a review credits "Élise Fourneaud",
// the interviewed director is "Élise Fournaud") is merged into the other: their old address
// answers 301 to the kept person's page, which lists the review's film. The kept person's IMDb id
// (a film's tt… id refused, naming the field) and job titles show on their page, its JSON-LD
// and the Interview Index. In the article editor, choosing
// a film from the suggestions fills every film fact. A contributor cannot open the films. The
// pages are audited with axe-core on a desktop and a phone.
//
//   node tests/e2e/films_browser_test.js BINARY
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { chromium, makeChecks, startServer, checkPage, finishWalk, screenshot, staffContext: signedIn } = require('./browser_common');

const binary = process.argv[2];
if (!binary || !fs.existsSync(binary)) {
  console.error('usage: films_browser_test.js BINARY');
  process.exit(2);
}
const DESKTOP = { width: 1400, height: 1000 };
const PHONE = { width: 390, height: 844 };
const checks = makeChecks();
const { check } = checks;

function staffContext(browser, url, site, email, role, viewport = DESKTOP) {
  return signedIn(binary, browser, url, site, email, role, check, viewport);
}

// A GET that does not follow redirects: its status and Location.
function head(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      res.resume();
      resolve({ status: res.statusCode, location: res.headers.location || '' });
    }).on('error', reject);
  });
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

(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cinepress-films-browser-'));
  const site = path.join(root, 'site');
  let server = null;
  let browser = null;
  try {
    execFileSync(binary, ['demo', site], { stdio: 'ignore' });
    fs.writeFileSync(path.join(site, 'content/festivals/late-dispatch.md'),
      '---\ntitle: "A late dispatch"\ndate: 2024-03-25T10:00:00Z\nauthors: ["Maren Solheim"]\n' +
      'films: ["The Tide Table"]\n---\n\nA note written in a hurry.\n');
    fs.writeFileSync(path.join(site, 'content/reviews/harbour-lights.md'),
      '---\ntitle: "Harbour Lights, briefly"\ndate: 2024-03-26T10:00:00Z\nauthors: ["Maren Solheim"]\n' +
      'film:\n  title: "Harbour Lights"\n  year: 2022\n  directors: ["Élise Fourneaud"]\n---\n\n' +
      'An early short, seen again.\n');
    execFileSync(binary, ['import', site, '--site', site], { stdio: 'ignore' });
    server = await startServer(binary, site, ['--access-log', 'off']);
    const url = server.url;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });

    // A contributor may not open the films.
    const writer = await staffContext(browser, url, site, 'writer@mag.example', 'contributor');
    const refused = await writer.page.goto(url + '/admin/films/');
    check(refused.status() === 403, `a contributor cannot open the films (${refused.status()})`);

    // Find the film and change its year and IMDb id.
    const ed = await staffContext(browser, url, site, 'ed@mag.example', 'editor');
    const page = ed.page;
    await page.goto(url + '/admin/films/');
    await checkPage(page, 'the films', check);
    await page.fill('#q', 'tide');
    await submit(page, 'form.filters button');
    check(await page.locator('a:has-text("The Tide Tables")').count() === 1, 'the search finds the film');
    check(await page.locator('a:has-text("The Tide Table")').count() === 2, 'and its duplicate');
    await submit(page, 'a[href="/admin/films/the-tide-tables-2024/"]');
    await checkPage(page, 'a film', check);
    check(await page.inputValue('#film_runtime') === '95', 'the form shows the review\'s facts');
    await page.fill('#film_year', '2023');
    await page.fill('#film_imdb', 'tt7654321');
    await submit(page, 'button:has-text("Save the film")');
    check((await page.innerText('main')).includes('Saved'), 'the film is saved');
    const reader = await browser.newPage();
    const film = url + '/films/the-tide-tables-2023/';  // its address follows its year
    const shown = await eventually(reader, async () => {
      const r = await reader.goto(film);
      return r.status() === 200 && (await reader.innerText('h1')).includes('2023');
    });
    check(shown, 'the film\'s page shows the new year');
    const old = await head(url + '/films/the-tide-tables-2024/');
    check(old.status === 301 && old.location.endsWith('/films/the-tide-tables-2023/'),
      `the film's old address leads to the new one (${old.status} ${old.location})`);
    const ld = await reader.$$eval('script[type="application/ld+json"]', (s) => s.map((x) => x.textContent).join(' '));
    check(ld.includes('https://www.imdb.com/title/tt7654321'), 'its JSON-LD sameAs has the IMDb id');
    // An id of the wrong shape, past the browser's own check: the server refuses it by name.
    await page.fill('#film_imdb', 'nm123');
    await page.$eval('#film_imdb', (input) => input.removeAttribute('pattern'));
    const [bad] = await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save the film")')]);
    check(bad.status() === 400, `an IMDb id of the wrong shape is refused (${bad.status()})`);
    check((await page.innerText('[role=alert]')).includes('IMDb id'), 'the error names the field');
    check(await page.getAttribute('#film_imdb', 'aria-invalid') === 'true', 'the field is marked');

    // Merge the duplicate into the film: its old address leads there.
    await page.setViewportSize(PHONE);
    await page.goto(url + '/admin/films/the-tide-table/');
    await checkPage(page, 'a duplicate on a phone', check);
    await submit(page, 'button:has-text("Merge into The Tide Tables")');
    check((await page.innerText('main')).includes('Merged'), 'the duplicate is merged');
    const moved = await eventually(reader, async () => (await head(url + '/films/the-tide-table/')).status === 301);
    const answer = await head(url + '/films/the-tide-table/');
    check(moved && answer.location.endsWith('/films/the-tide-tables-2023/'),
      `the old address answers 301 to the film (${answer.status} ${answer.location})`);
    await reader.goto(film);
    check((await reader.innerText('main')).includes('A late dispatch'), 'the dispatch is about the film now');

    // A person's sort name moves them in the Interview Index.
    const order = async () => {
      await reader.goto(url + '/interview-index/last-name/');
      const text = await reader.innerText('main');
      return text.indexOf('Anders Kjærgaard') < text.indexOf('Łucja Bąkowska');
    };
    check(!(await order()), 'Anders Kjærgaard is filed under K at first');
    await page.goto(url + '/admin/people/?q=kjaergaard');
    await checkPage(page, 'the people', check);
    await submit(page, 'a:has-text("Anders Kjærgaard")');
    await checkPage(page, 'a person', check);
    await page.fill('#sort_name', 'Anders Kjærgaard');
    await submit(page, 'button:has-text("Save")');
    check((await page.innerText('main')).includes('Saved'), 'the person is saved');
    check(await eventually(reader, order), 'the sort name files them under A in the Interview Index by family name');

    // A duplicate person merged into the other: the old address answers 301 to the kept one.
    await page.goto(url + '/admin/people/elise-fourneaud/');
    await checkPage(page, 'a duplicate person', check);
    await page.fill('#merge_q', 'Élise');
    await submit(page, 'form.filters button');
    await submit(page, 'button:has-text("Merge into Élise Fournaud")');
    check((await page.innerText('main')).includes('Merged'), 'the duplicate person is merged');
    check(page.url().endsWith('/admin/people/elise-fournaud/?saved=merged'), `the kept person's page follows (${page.url()})`);
    const personMoved = await eventually(reader, async () => (await head(url + '/people/elise-fourneaud/')).status === 301);
    const personAnswer = await head(url + '/people/elise-fourneaud/');
    check(personMoved && personAnswer.location.endsWith('/people/elise-fournaud/'),
      `the duplicate's old address answers 301 to the kept person (${personAnswer.status} ${personAnswer.location})`);
    await reader.goto(url + '/people/elise-fournaud/');
    check((await reader.innerText('main')).includes('Harbour Lights'), 'the kept person has the duplicate\'s film');
    // The merge undone from the kept person's page: the duplicate's address is their page again.
    await submit(page, 'button:has-text("Separate /people/elise-fourneaud/ again")');
    check((await page.innerText('main')).includes('Separated'), 'the merge is undone from the kept person\'s page');
    const ownAgain = await eventually(reader, async () => (await head(url + '/people/elise-fourneaud/')).status === 200);
    check(ownAgain, 'the duplicate\'s address answers 200 again, their own page');
    await reader.goto(url + '/people/elise-fourneaud/');
    check((await reader.innerText('main')).includes('Harbour Lights'), 'their film is theirs again');

    // Their ids and job titles: a film's id is refused by name; the right ones show everywhere.
    await page.fill('#imdb', 'tt0111161');
    const [wrongId] = await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
    check(wrongId.status() === 400, `a film's IMDb id on a person is refused (${wrongId.status()})`);
    check((await page.innerText('[role=alert]')).includes('IMDb id'), 'the error names the IMDb field');
    check(await page.getAttribute('#imdb', 'aria-invalid') === 'true', 'the IMDb field is marked');
    await checkPage(page, 'a person with an error', check);
    await page.fill('#imdb', 'nm7654321');
    await page.fill('#wikidata', 'Q4242');
    await page.fill('#jobs', 'Screenwriter, Director');
    await submit(page, 'button:has-text("Save")');
    check((await page.innerText('main')).includes('Saved'), 'the ids and job titles are saved');
    await screenshot(page, 'admin-person-phone');
    const idShown = await eventually(reader, async () => {
      await reader.goto(url + '/people/elise-fournaud/');
      return (await reader.innerHTML('main')).includes('https://www.imdb.com/name/nm7654321/');
    });
    check(idShown, 'the person\'s page links their IMDb id');
    const personLd = await reader.$$eval('script[type="application/ld+json"]', (s) => s.map((x) => x.textContent).join(' '));
    check(personLd.includes('https://www.imdb.com/name/nm7654321/') && personLd.includes('https://www.wikidata.org/wiki/Q4242'),
      'their JSON-LD sameAs has the ids');
    check(personLd.includes('Screenwriter'), 'their JSON-LD jobTitle has the job title');
    await checkPage(reader, 'a person\'s page with ids', check);
    await screenshot(reader, 'person-page-desktop');
    await reader.goto(url + '/interview-index/');
    check((await reader.innerText('#job-screenwriter')).includes('Screenwriter'), 'the Interview Index files them under their first job title');

    // The editor's suggestion fills every film fact.
    await page.setViewportSize(DESKTOP);
    await page.goto(url + '/admin/articles/new/');
    await page.fill('#film_title', 'After Dinner');
    await page.locator('#film_title').dispatchEvent('change');
    const filled = await eventually(page, async () => (await page.inputValue('#film_original_title')) === 'La sobremesa');
    check(filled, 'choosing a suggestion fills the original title');
    check(await page.inputValue('#film_year') === '2026', 'and the year');
    check((await page.inputValue('#film_directors')).length > 0, 'and the directors');
    check((await page.inputValue('#film_runtime')).length > 0, 'and the running time');
    check((await page.inputValue('#film_cast')).length > 0, 'and the cast');
    check((await page.innerText('#film-suggestion')).includes('Filled from the film record'), 'and says so');
    await checkPage(page, 'the editor with a suggested film', check);
  } catch (e) {
    check(false, `the walk-through stopped: ${e.stack || e}`);
  } finally {
    await finishWalk('films_browser_test', root, browser, [server], checks);
  }
})();
