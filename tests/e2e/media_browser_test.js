#!/usr/bin/env node
// The newsroom's media library in a real browser: the demo magazine served by `cinepress serve`,
// Debian's Chromium driven by playwright-core. An editor uploads two stills at once through the
// file input, each with its alt text; a text file renamed .jpg and an SVG with a script are
// refused naming the file; alt text is required; a 50 MB file (made here) is refused by the
// script before it is sent, and by the server with 413 when sent anyway. The still picked in the
// editor is the lead image of the published review, and deleting it is refused while it is used;
// an unused one is deleted. The pages are audited with axe-core.
//
//   node tests/e2e/media_browser_test.js BINARY
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { chromium, makeChecks, startServer, checkPage, finishWalk, staffContext } = require('./browser_common');

const binary = process.argv[2];
if (!binary || !fs.existsSync(binary)) {
  console.error('usage: media_browser_test.js BINARY');
  process.exit(2);
}
const checks = makeChecks();
const { check } = checks;

// A PNG `width` × `height` of a colour gradient, made here (no image is copied from anywhere).
function png(width, height, shade) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'ascii');
    data.copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;  // bits per sample
  header[9] = 2;  // RGB
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = (x * 255) / width;
      row[2 + x * 3] = (y * 255) / height;
      row[3 + x * 3] = shade;
    }
    rows.push(row);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

// Sends `bytes` bytes to the upload path with Expect: 100-continue: the status the server answers.
function postLarge(url, bytes) {
  return new Promise((resolve, reject) => {
    const req = http.request(url + '/admin/media/upload/', {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': bytes, Expect: '100-continue' },
    });
    req.on('continue', () => req.end(Buffer.alloc(bytes)));
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode);
      req.destroy();
    });
    req.on('error', reject);
  });
}

async function uploadFiles(page, files) {
  await page.setInputFiles('#file', files);
}

async function submitUpload(page) {
  await page.click('#upload button:has-text("Upload")');
}

(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cinepress-media-browser-'));
  const site = path.join(root, 'site');
  let server = null;
  let browser = null;
  try {
    execFileSync(binary, ['demo', site], { stdio: 'ignore' });
    const files = path.join(root, 'files');
    fs.mkdirSync(files);
    const orchard = path.join(files, 'Orchard at Dusk.png');
    const gate = path.join(files, 'gate.png');
    const notes = path.join(files, 'notes.jpg');
    const svg = path.join(files, 'logo.svg');
    const big = path.join(files, 'big.jpg');
    fs.writeFileSync(orchard, png(640, 400, 40));
    fs.writeFileSync(gate, png(300, 200, 200));
    fs.writeFileSync(notes, 'These are words about a film, not a picture.\n');
    fs.writeFileSync(svg, '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
    fs.writeFileSync(big, Buffer.alloc(50 * 1024 * 1024, 7));

    server = await startServer(binary, site, ['--access-log', 'off']);
    const url = server.url;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    const ed = await staffContext(binary, browser, url, site, 'ed@mag.example', 'editor', check);
    const page = ed.page;

    // Two stills at once, each with its own alt text.
    await page.goto(url + '/admin/media/');
    await checkPage(page, 'the media library', check);
    await uploadFiles(page, [orchard, gate]);
    await page.fill('#alt_0', 'An orchard at dusk, rows of trees');
    await page.fill('#alt_1', 'A wooden gate');
    await page.fill('#credit', 'Photo: the test');
    await Promise.all([page.waitForNavigation(), submitUpload(page)]);
    check(page.url().endsWith('/admin/media/?uploaded=2'), `two files are uploaded (${page.url()})`);
    check(await page.locator('.media-grid li').count() === 2, 'the library shows both');
    const thumb = await page.getAttribute('.media-grid img[alt="A wooden gate"]', 'src');
    check(/^\/_stills\//.test(thumb || ''), `thumbnails are stills (${thumb})`);
    await checkPage(page, 'the media library with two files', check);

    // Refused: a text file named .jpg, an SVG with a script, a file without alt text.
    for (const [file, expected] of [[notes, 'notes.jpg: not an image'], [svg, 'an SVG is not taken']]) {
      await page.goto(url + '/admin/media/');
      await uploadFiles(page, [file]);
      await page.fill('#alt', 'Something');
      await submitUpload(page);
      await page.waitForFunction(() => /Not uploaded/.test(document.getElementById('upload-status').textContent));
      const said = await page.innerText('#upload-status');
      check(said.includes(expected), `${path.basename(file)} is refused: ${said}`);
    }
    await page.goto(url + '/admin/media/');
    await uploadFiles(page, [gate]);
    await submitUpload(page);
    await page.waitForFunction(() => /Not uploaded/.test(document.getElementById('upload-status').textContent));
    check((await page.innerText('#upload-status')).includes('alt text is required'), 'alt text is required');
    const svgServed = await page.request.get(url + '/uploads/');
    check(svgServed.status() === 404, 'nothing of the refused files is served');

    // Without the script the form still works, and says what it refused.
    const plain = await browser.newContext({ javaScriptEnabled: false, storageState: await ed.context.storageState() });
    const noScript = await plain.newPage();
    await noScript.goto(url + '/admin/media/');
    await noScript.setInputFiles('#file', [notes]);
    await noScript.fill('#alt', 'Notes');
    await Promise.all([noScript.waitForNavigation(), noScript.click('#upload button:has-text("Upload")')]);
    check((await noScript.innerText('main')).includes('notes.jpg: not an image'), 'without the script, the refusal names the file');
    // (Not audited here: axe-core needs JavaScript. The page is the newsroom's message page.)
    await plain.close();

    // 50 MB: the script refuses it before sending; the server answers 413 when it is sent anyway.
    await page.goto(url + '/admin/media/');
    await uploadFiles(page, [big]);
    await page.fill('#alt', 'Too large');
    await submitUpload(page);
    await page.waitForFunction(() => /Not uploaded/.test(document.getElementById('upload-status').textContent));
    check((await page.innerText('#upload-status')).includes('big.jpg: larger than 20 MB'), 'a 50 MB file is refused by the script');
    const status = await postLarge(url, 50 * 1024 * 1024);
    check(status === 413, `a 50 MB upload is answered 413 (${status})`);

    // The editor picks a still as the lead of a review, published.
    await page.goto(url + '/admin/articles/new/');
    const option = await page.locator('#image_pick option', { hasText: 'orchard-at-dusk.png' }).getAttribute('value');
    check(/^\/uploads\/\d{4}\/\d{2}\/orchard-at-dusk\.png$/.test(option || ''), `the picker offers the still (${option})`);
    await page.fill('#title', 'Orchards in Winter');
    await page.selectOption('#section', 'reviews');
    await page.fill('#body', 'A film of bare branches.\n');
    await page.selectOption('#image_pick', option);
    await Promise.all([page.waitForNavigation(), page.click('#editor button:has-text("Publish now")')]);
    const reader = await browser.newPage();
    let answer = null;
    for (let i = 0; i < 40; i++) {
      answer = await reader.goto(url + '/reviews/orchards-in-winter/');
      if (answer.status() === 200) break;
      await reader.waitForTimeout(250);
    }
    check(answer.status() === 200, `the review is published (${answer.status()})`);
    const lead = reader.locator('main img[alt="An orchard at dusk, rows of trees"]');
    check(await lead.count() === 1, 'the picked still is the lead image, with the library\'s alt text');
    check(/^\/_stills\//.test((await lead.getAttribute('src')) || ''), 'the lead is served from its stills');
    const original = await reader.request.get(url + option);
    check(original.status() === 200 && original.headers()['content-type'] === 'image/png', 'the still itself is served');

    // Deleting it is refused while it is used; the unused one is deleted.
    await page.goto(url + '/admin/media/item/?path=' + encodeURIComponent(option.slice(1)));
    await checkPage(page, 'a file\'s page', check);
    check((await page.innerText('main')).includes('Orchards in Winter'), 'the file\'s page says where it is used');
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Delete")')]);
    check((await page.innerText('[role=alert]')).includes('is used by the article “Orchards in Winter”'),
      'deleting a used still is refused, naming where it is used');
    check((await reader.request.get(url + option)).status() === 200, 'the used still is still served');
    await page.goto(url + '/admin/media/?unused=1');
    check(await page.locator('.media-grid li').count() === 1, 'one file is unused');
    await Promise.all([page.waitForNavigation(), page.click('.media-grid a')]);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Delete")')]);
    check(page.url().endsWith('/admin/media/?deleted=1'), 'the unused file is deleted');
    check(await page.locator('.media-grid li').count() === 1, 'one file is left');
  } catch (e) {
    check(false, `the walk-through stopped: ${e.stack || e}`);
  } finally {
    await finishWalk('media_browser_test', root, browser, [server], checks);
  }
})();
