// The demo's podcast in a real browser (Debian's chromium through playwright-core): the episode
// page plays its audio, a chapter link moves the player's playhead (currentTime), and the pages
// pass the axe-core audit with nothing blocked by the Content-Security-Policy.
//
//   node tests/e2e/podcast_browser_test.js BINARY
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium, makeChecks, startServer, checkPage, watchCsp } = require('./browser_common');

const binary = path.resolve(process.argv[2]);
const { check, failures, count } = makeChecks();
const EPISODE = '/podcasts/close-up/low-water/';

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cinepress-podcast-browser-'));
  const site = path.join(tmp, 'site');
  execFileSync(binary, ['demo', site], { stdio: 'ignore' });
  const server = await startServer(binary, site, ['--threads', '2']);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--mute-audio'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await watchCsp(context);
    const page = await context.newPage();
    for (const url of ['/podcasts/', '/podcasts/close-up/', EPISODE]) {
      await page.goto(server.url + url);
      await checkPage(page, url, check);
    }
    const player = 'audio[data-episode-player]';
    check(await page.$eval(player, (a) => a.preload === 'none' && !a.autoplay),
          'the player loads nothing and plays nothing until asked');
    // Play, as a listener does: a click on the page, then the player's own play().
    await page.click('h1');
    await page.$eval(player, (a) => a.play());
    await page.waitForFunction((sel) => {
      const a = document.querySelector(sel);
      return !a.paused && a.currentTime > 0;
    }, player, { timeout: 30000 });
    check(true, 'the episode plays');
    // The third chapter starts at 0:09: its link seeks the player there.
    const chapter = page.locator('a[data-seek="9"]');
    check(await chapter.count() === 1, 'the episode page has a chapter link at 0:09');
    await chapter.click();
    await page.waitForFunction((sel) => document.querySelector(sel).currentTime >= 9, player,
                               { timeout: 30000 });
    check(page.url().endsWith(EPISODE), 'the chapter link seeks the player instead of leaving the page');
    const time = await page.$eval(player, (a) => a.currentTime);
    check(time >= 9 && time < 13.5, `the playhead moved to the chapter (currentTime ${time})`);
  } finally {
    await browser.close();
    server.proc.kill('SIGTERM');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (failures().length) {
    console.error(`podcast_browser_test: ${failures().length} of ${count()} checks failed`);
    process.exit(1);
  }
  console.log(`podcast_browser_test: all ${count()} checks passed`);
}

main().catch((err) => {
  console.error(`podcast_browser_test: ${err.stack || err}`);
  process.exit(1);
});
