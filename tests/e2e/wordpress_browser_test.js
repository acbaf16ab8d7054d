#!/usr/bin/env node
// End-to-end in a real browser: the WordPress theme test data imported with
// `cinepress import-wordpress`, served by `cinepress serve`, opened in Debian's Chromium
// (playwright-core) on a phone and a desktop. Each page that carries what WordPress brings
// (captions and alignments, galleries, embeds, nested lists, code, tables, comments, very long
// titles) must pass an accessibility audit (axe-core, WCAG 2.1 A and AA) and never scroll sideways.
//
//   node tests/e2e/wordpress_browser_test.js BINARY
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const repo = path.resolve(__dirname, '..', '..');
const shared = process.env.CINEPRESS_SHARED || path.join(repo, '..', 'shared');
const exportFile = path.join(shared, 'data', 'wordpress', 'themeunittestdata.wordpress.xml');
const { chromium, makeChecks, startServer, checkPage } = require('./browser_common');

const binary = process.argv[2];
if (!binary || !fs.existsSync(binary) || !fs.existsSync(exportFile)) {
  console.error('usage: wordpress_browser_test.js BINARY (and ../shared/data/wordpress)');
  process.exit(2);
}

const PAGES = [
  '/', '/articles/markup-image-alignment/', '/articles/post-format-gallery/',
  '/articles/block-gallery/', '/articles/post-format-video-youtube/', '/articles/post-format-image/',
  '/articles/markup-html-tags-and-formatting/', '/articles/template-comments/',
  '/articles/title-should-not-overflow-the-content-area/', '/articles/edge-case-no-title/',
  '/about/page-markup-and-formatting/', '/level-1/level-2/level-3/',
];
const { check, failures, count } = makeChecks();

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cinepress-wp-browser.'));
  const site = path.join(tmp, 'site');
  let server = null;
  let browser = null;
  try {
    execFileSync(binary, ['init', site], { stdio: 'ignore' });
    fs.writeFileSync(path.join(site, 'cinepress.toml'),
      'title = "Theme Unit Test"\nbase_url = "http://127.0.0.1:8080"\ntimezone = "UTC"\n');
    fs.rmSync(path.join(site, 'cinepress.db'));
    execFileSync(binary, ['import-wordpress', exportFile, '--site', site, '--no-fetch'],
      { stdio: 'ignore' });
    const started = await startServer(binary, site, ['--threads', '1', '--access-log', 'off']);
    server = started.proc;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
    for (const [name, viewport] of [['phone', { width: 390, height: 844 }],
      ['desktop', { width: 1280, height: 900 }]]) {
      const page = await browser.newPage({ viewport });
      for (const url of PAGES) {
        const label = `${name} ${url}`;
        const response = await page.goto(started.url + url);
        check(response && response.status() === 200, `${label}: status ${response && response.status()}`);
        await checkPage(page, label, check);
      }
      await page.close();
    }
  } finally {
    if (browser) await browser.close();
    if (server) server.kill('SIGTERM');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`wordpress_browser_test: ${count() - failures().length} passed, ${failures().length} failed`);
  process.exit(failures().length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
