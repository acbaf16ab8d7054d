#!/usr/bin/env node
// The search in a real browser (Debian's chromium driven by playwright-core): the static copy of
// the demo magazine on a plain static file server, where the theme's script searches the static
// index piece by piece, and the same site under `cinepress serve`, where the page is the server's
// and the search box asks the server. Also checks that the static and the live search agree.
//
//   node tests/e2e/search_browser_test.js BINARY
//
// Only 127.0.0.1; every wait has a timeout; prints `search_browser_test: N passed, N failed`.
'use strict';

const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const vm = require('vm');
const zlib = require('zlib');

const repo = path.resolve(__dirname, '..', '..');
const { chromium } = require(path.join(repo, 'node_modules', 'playwright-core'));
const binary = process.argv[2] && path.resolve(process.argv[2]);

let passed = 0;
let failed = 0;
function check(ok, what, detail) {
  if (ok) { passed++; return; }
  failed++;
  console.log('FAIL: ' + what + (detail === undefined ? '' : ': ' + JSON.stringify(detail)));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

async function waitForPort(port, child) {
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error('server exited: ' + child.exitCode);
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => { c.destroy(); resolve(true); });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no server on ' + port);
}

function dirSize(dir) {
  let total = 0;
  let files = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { const s = dirSize(p); total += s.total; files += s.files; } else { total += fs.statSync(p).size; files++; }
  }
  return { total, files };
}

async function main() {
  if (!binary || !fs.existsSync(binary)) { console.error('usage: search_browser_test.js BINARY'); return 2; }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cinepress-search-browser.'));
  const site = path.join(tmp, 'site');
  const children = [];
  let browser;
  try {
    execFileSync(binary, ['demo', site], { stdio: 'ignore' });
    execFileSync(binary, ['build', '--site', site], { stdio: 'ignore' });
    const index = dirSize(path.join(site, 'public', 'search', 'index'));

    // 0. The script makes words exactly as the program does: every word the program indexed is
    // one word to the script, and every word the script finds in a document's text is indexed
    // for that document.
    {
      const pub = path.join(site, 'public');
      const asset = fs.readdirSync(path.join(pub, 'assets')).find((f) => /^search\..*\.js$/.test(f));
      const context = vm.createContext({});
      vm.runInContext(fs.readFileSync(path.join(pub, 'assets', asset), 'utf8'), context);
      const words = (t) => context.cinepressSearch.words(t).map((x) => x.w);
      const postings = new Map();
      const dir = path.join(pub, 'search', 'index', 'words');
      for (const f of fs.readdirSync(dir)) {
        const chunk = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(dir, f))).toString('utf8'));
        for (const [w, list] of Object.entries(chunk)) {
          const docs = new Set();
          let d = 0;
          for (let k = 0; k + 1 < list.length; k += 2) docs.add(d += list[k]);
          postings.set(w, docs);
        }
      }
      const unstable = [...postings.keys()].filter((w) => JSON.stringify(words(w)) !== JSON.stringify([w]));
      check(postings.size > 1000 && unstable.length === 0, 'script and program: the same words',
        { indexed: postings.size, unstable: unstable.slice(0, 10) });
      const docDir = path.join(pub, 'search', 'index', 'doc');
      const missing = [];
      const notGzip = [];
      for (const f of fs.readdirSync(docDir)) {
        // Fragments are written gzipped: doc/N.json.gz.
        const d = Number(f.replace('.json.gz', ''));
        const packed = fs.readFileSync(path.join(docDir, f));
        if (!f.endsWith('.json.gz') || packed[0] !== 0x1f || packed[1] !== 0x8b) notGzip.push(f);
        const doc = JSON.parse(zlib.gunzipSync(packed).toString('utf8'));
        for (const field of ['title', 'films', 'people', 'dek', 'meta', 'body']) {
          for (const w of words(doc[field] || '')) {
            if (!postings.has(w) || !postings.get(w).has(d)) missing.push(d + ':' + w);
          }
        }
      }
      check(missing.length === 0, 'script and program: every word of every document is indexed', missing.slice(0, 10));
      check(notGzip.length === 0, 'fragments are gzipped', notGzip.slice(0, 10));

      // A host may send a fragment with Content-Encoding: gzip, so the browser hands the script
      // the JSON itself: the script reads both, and finds the same (a phrase reads fragments).
      const run = async (unpack) => {
        const fetchFile = async (url) => {
          let data = fs.readFileSync(path.join(pub, url));
          if (unpack && url.endsWith('.gz')) data = zlib.gunzipSync(data);
          return { ok: true, status: 200, arrayBuffer: async () => new Uint8Array(data).buffer };
        };
        const ctx = vm.createContext({ fetch: fetchFile, TextDecoder, Blob, Response, DecompressionStream });
        vm.runInContext(fs.readFileSync(path.join(pub, 'assets', asset), 'utf8'), ctx);
        const r = await ctx.cinepressSearch.search('/search/index/', '"sound of an empty room"');
        return r.hits.map((h) => h.fragment.url);
      };
      const packedHits = await run(false);
      const plainHits = await run(true);
      check(packedHits.length > 0 && JSON.stringify(packedHits) === JSON.stringify(plainHits),
        'fragments read gzipped or as sent unpacked', { packedHits, plainHits });
    }

    // A plain static host: no /search/suggest.json, nothing but files.
    const staticPort = await freePort();
    const staticServer = spawn('/usr/bin/python3', ['-m', 'http.server', String(staticPort), '--bind', '127.0.0.1',
      '--directory', path.join(site, 'public')], { stdio: 'ignore' });
    children.push(staticServer);
    const livePort = await freePort();
    const live = spawn(binary, ['serve', '--site', site, '--listen', '127.0.0.1:' + livePort, '--access-log', 'off', '--threads', '2'],
      { stdio: 'ignore' });
    children.push(live);
    await waitForPort(staticPort, staticServer);
    await waitForPort(livePort, live);

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    let requests = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    const base = 'http://127.0.0.1:' + staticPort;
    const titles = () => page.$$eval('.search-hit__title a', (as) => as.map((a) => a.getAttribute('href')));

    // 1. The static search page answers from the index, fetching only what it needs.
    requests = [];
    await page.goto(base + '/search/?q=bakowska', { waitUntil: 'load' });
    await page.waitForSelector('.search-results__count', { timeout: 10000 });
    let hits = await titles();
    check(hits[0] === '/interviews/lucja-bakowska/', 'static: a folded name finds its interview first', hits);
    check(await page.$eval('#search-page-q', (i) => i.value) === 'bakowska', 'static: the box shows the query');
    check((await page.$$('.search-hit__snippet mark')).length > 0, 'static: snippets mark the match');
    const pieces = requests.filter((p) => p.startsWith('/search/index/'));
    const chunks = pieces.filter((p) => p.startsWith('/search/index/words/'));
    const docs = pieces.filter((p) => p.startsWith('/search/index/doc/'));
    check(pieces.includes('/search/index/manifest.json'), 'static: the manifest is read', pieces);
    check(chunks.length === 1, 'static: one chunk of words for one word', chunks);
    check(docs.length === hits.length, 'static: one fragment per result shown', { docs, hits });
    const fetched = await page.evaluate(() => window.cinepressSearch.fetched.reduce((n, f) => n + f.bytes, 0));
    // What crossed the wire for a fragment is its gzipped file.
    const docBytes = await page.evaluate(() => window.cinepressSearch.fetched
      .filter((f) => f.url.includes('/doc/')).map((f) => [f.url.replace(/^.*\/doc\//, ''), f.bytes]));
    check(docBytes.length > 0 && docBytes.every(([f, n]) =>
      n === fs.statSync(path.join(site, 'public', 'search', 'index', 'doc', f)).size),
    'static: a fragment is fetched as its gzipped file', docBytes);
    // (The demo is small; bench/search.sh measures the bytes on the 10,000-article corpus.)
    check(pieces.length < index.files / 4, 'static: a query reads a few of the index\'s files',
      { pieces: pieces.length, files: index.files });
    console.log(`search_browser_test: static index ${index.files} files, ${index.total} bytes; "bakowska" read ${fetched} bytes in ${pieces.length} pieces`);

    // 2. Korean, a phrase, a prefix and a filter, all from the static index.
    for (const [q, url, extra] of [
      ['박서연', '/interviews/park-seo-yeon/', ''],
      ['"sound of an empty room"', '/interviews/park-seo-yeon/', ''],
      ['kjaerg', '/interviews/anders-kjaergaard/', ''],
      ['berlinale', '/festivals/', '&kind=festivals'],
    ]) {
      await page.goto(base + '/search/?q=' + encodeURIComponent(q) + extra);
      await page.waitForSelector('.search-results__count', { timeout: 10000 });
      hits = await titles();
      check(hits.length > 0 && hits[0].startsWith(url), 'static: ' + q + extra, hits);
      if (extra) check(hits.every((h) => h.startsWith('/festivals/')), 'static: the kind filter', hits);
    }
    await page.goto(base + '/search/?q=qqqqzzzz');
    await page.waitForSelector('.search-results__count', { timeout: 10000 });
    check((await page.textContent('.search-results__count')).trim() === '0 results', 'static: nothing found says so');

    // 3. Suggestions under the masthead's box come from the static index on a static host.
    await page.goto(base + '/');
    requests = [];
    await page.fill('#site-search-q', 'tenan');
    await page.waitForSelector('.search-suggest:not([hidden]) a', { timeout: 10000 });
    const suggested = await page.$$eval('.search-suggest a', (as) => as.map((a) => a.getAttribute('href')));
    check(suggested.includes('/reviews/the-tenant-upstairs/'), 'static: suggestions', suggested);
    check(requests.some((p) => p.startsWith('/search/index/words/')), 'static: suggestions read the index', requests);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(/tenant-upstairs|search/, { timeout: 10000 });
    check(page.url().endsWith(suggested[0]), 'static: a suggestion is chosen with the keyboard', page.url());

    // 4. The static and the live search find the same articles and podcast episodes (a
    // restricted episode by its show notes, never by its transcript), with the same filters.
    for (const [q, kind] of [['park'], ['berlinale'], ['bakowska'], ['bakows'], ['film'], ['tiff'], ['kjaer'], ['kołodziej'], ['kołodz'], ['sound room'], ['krakow'], ['위층'], ['montreal'],
      ['lock keeper'], ['solheim'], ['short list'], ['film', 'podcasts'], ['low water', 'podcasts'], ['low water', 'reviews']]) {
      const livePage = await (await fetch(`http://127.0.0.1:${livePort}/search/?q=${encodeURIComponent(q)}${kind ? '&kind=' + kind : ''}`)).text();
      const m = /<h2 class="search-results__count">(\d+) results?<\/h2>/.exec(livePage);
      const liveTotal = m ? Number(m[1]) : -1;
      const liveEpisodes = (livePage.match(/class="search-hit__title"><a href="\/podcasts\//g) || []).length;
      const found = await page.evaluate(async ([query, k]) => {
        const r = await window.cinepressSearch.search('/search/index/', query, k ? { kind: k } : {}, 1, 1000);
        return { total: r.total, episodes: r.hits.filter((h) => h.fragment.url.startsWith('/podcasts/')).length };
      }, [q, kind]);
      const what = q + (kind ? ' (kind ' + kind + ')' : '');
      check(liveTotal === found.total && liveTotal > 0, 'static and live agree on ' + what, { live: liveTotal, static: found.total });
      if (liveTotal <= 10) check(liveEpisodes === found.episodes, 'static and live find the same episodes for ' + what, { live: liveEpisodes, static: found.episodes });
    }
    {
      const livePage = await (await fetch(`http://127.0.0.1:${livePort}/search/?q=lock+keeper`)).text();
      check(livePage.includes('<a href="/podcasts/close-up/low-water/">') && livePage.includes('Changeover Close-Up · Season 1, Episode 1'),
        'live: an episode\'s result names its show and number and links to its page');
      const staticPage = await page.evaluate(async () => (await window.cinepressSearch.search('/search/index/', 'lock keeper', {}, 1, 10)).hits.map((h) => h.fragment.kind));
      check(staticPage.includes('Changeover Close-Up · Season 1, Episode 1'), 'static: the same label', staticPage);
      const locked = await (await fetch(`http://127.0.0.1:${livePort}/search/?q=${encodeURIComponent('"short list of the year"')}&kind=podcasts`)).text();
      check(locked.includes('/podcasts/close-up/members-hour/'), 'live: a members\' episode is found by its show notes');
    }

    // 5. Under `cinepress serve` the page is the server's, and the box asks the server.
    requests = [];
    await page.goto(`http://127.0.0.1:${livePort}/search/?q=park+seo`);
    hits = await titles();
    check(hits[0] === '/interviews/park-seo-yeon/', 'live: the server\'s results', hits);
    check(!requests.some((p) => p.startsWith('/search/index/')), 'live: the page does not read the static index', requests);
    // The search page has one box, its own (the masthead's would be a second on a phone).
    check(await page.locator('input[type=search]').count() === 1, 'live: one search box on the search page');
    requests = [];
    await page.fill('#search-page-q', 'tenan');
    await page.waitForSelector('.search-form .search-suggest:not([hidden]) a', { timeout: 10000 });
    check(requests.includes('/search/suggest.json'), 'live: suggestions come from the server', requests);
    await page.screenshot({ path: path.join(tmp, 'live-search.png') });

    // 6. Without JavaScript the live page still answers.
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    const p2 = await noJs.newPage();
    await p2.goto(`http://127.0.0.1:${livePort}/`);
    await p2.fill('#site-search-q', 'bakowska');
    await Promise.all([p2.waitForURL(/search/), p2.press('#site-search-q', 'Enter')]);
    const noJsHits = await p2.$$eval('.search-hit__title a', (as) => as.map((a) => a.getAttribute('href')));
    check(noJsHits[0] === '/interviews/lucja-bakowska/', 'no JavaScript: the form submits to the server', noJsHits);
    await noJs.close();
    check(errors.length === 0, 'no script errors', errors);
  } finally {
    if (browser) await browser.close();
    // The servers are waited for before their folder is removed: a server still closing its store
    // writes into it (rmdir then fails with ENOTEMPTY).
    await Promise.all(children.map((c) => new Promise((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('exit', resolve);
      c.kill('SIGTERM');
    })));
    if (failed === 0) fs.rmSync(tmp, { recursive: true, force: true }); else console.log('search_browser_test: kept ' + tmp);
  }
  console.log(`search_browser_test: ${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => { console.error(e); console.log(`search_browser_test: ${passed} passed, ${failed + 1} failed`); process.exit(1); });
