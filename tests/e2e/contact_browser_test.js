#!/usr/bin/env node
// The doors readers knock on, in a real browser: the demo magazine ([contact] on) served by
// `cinepress serve`, Debian's Chromium driven by playwright-core, a real SMTP server (aiosmtpd).
// With JavaScript off, a reader sends the contact form and a would-be contributor the pitch form
// with a PDF: each lands in `cinepress inbox list`, the sender gets an acknowledgement and the
// editors (forward_to) a forward through the SMTP server. A hostile pitch — CR/LF in the name
// (the input made a textarea, as a stranger's tools can), a <script> in the pitch, a program
// renamed .pdf as the file — is refused for its file, shown again escaped, and once sent with a
// text file is kept with its name on one line and no header of its own in any message. The
// contact, pitch and FAQ pages pass axe-core on a phone and a desktop; the FAQ page's JSON-LD
// parses as a FAQPage with a question for each of its headings.
//
//   node tests/e2e/contact_browser_test.js BINARY
//   SCREENSHOTS=/tmp/shots node tests/e2e/contact_browser_test.js BINARY
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { chromium, makeChecks, startServer, checkPage, watchCsp, demoWithRecorder, waitForMail,
  finishWalk } = require('./browser_common');

const binary = process.argv[2];
if (!binary || !fs.existsSync(binary)) {
  console.error('usage: contact_browser_test.js BINARY');
  process.exit(2);
}
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const EDITORS = 'editors@changeover.example';
const checks = makeChecks();
const { check } = checks;
// The forms refuse what is sent sooner than 3 s after they were made (a machine's speed): a
// person takes longer to type, so the walk waits as long before sending.
const TYPING_MS = 3500;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

function inbox(site, ...args) {
  return execFileSync(binary, ['inbox', ...args, '--site', site], { encoding: 'utf8' });
}

// The messages the SMTP server has received so far (each file's text).
function messages(folder) {
  return fs.readdirSync(folder).filter((f) => f.endsWith('.eml')).sort()
    .map((f) => fs.readFileSync(path.join(folder, f), 'utf8'));
}

// A message's header block, and one header's value (folded lines joined).
function headers(message) {
  return message.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
}
function header(message, name) {
  const m = headers(message).match(new RegExp(`^${name}: (.*)$`, 'mi'));
  return m ? m[1] : '';
}

// What a stranger's tools can do to the page: the one-line name made a textarea.
function nameAsTextarea() {
  const input = document.getElementById('pitch-name');
  const area = document.createElement('textarea');
  area.id = 'pitch-name';
  area.name = 'name';
  input.replaceWith(area);
}

// The Nu Html Checker over the live pages' HTML (they are not in the static build that the
// demo's e2e test checks): each error a failed check.
const VNU = path.join(__dirname, '..', '..', 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
function validate(folder, pages) {
  fs.mkdirSync(folder, { recursive: true });
  const files = Object.entries(pages).map(([name, html]) => {
    const file = path.join(folder, `${name}.html`);
    fs.writeFileSync(file, html);
    return file;
  });
  try {
    execFileSync('java', ['-Xss2m', '-jar', VNU, '--errors-only', ...files], { stdio: 'pipe' });
    check(true, 'the live pages are valid HTML');
  } catch (e) {
    check(false, `the Nu Html Checker: ${String(e.stderr || e)}`);
  }
}

// The server's first answer to a POST of `length` bytes that waits for 100 Continue: its status
// line (the body limit of the path decides before any of the body is sent).
function answerToLength(url, target, length) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(
      `POST ${target} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: multipart/form-data; ` +
      `boundary=b\r\nContent-Length: ${length}\r\nExpect: 100-continue\r\n\r\n`));
    let got = '';
    socket.on('data', (d) => {
      got += d;
      if (got.includes('\r\n')) {
        socket.destroy();
        resolve(got.split('\r\n')[0]);
      }
    });
    socket.on('error', reject);
  });
}

async function send(page, button) {
  await page.waitForTimeout(TYPING_MS);
  const [response] = await Promise.all([page.waitForNavigation(),
                                        page.click(`button:has-text("${button}")`)]);
  return response;
}

(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cinepress-contact-browser-'));
  const shots = process.env.SCREENSHOTS;
  if (shots) fs.mkdirSync(shots, { recursive: true });
  let server = null;
  let recorder = null;
  let browser = null;
  try {
    const demo = await demoWithRecorder(binary, root);
    ({ recorder } = demo);
    const { site, mail } = demo;
    server = await startServer(binary, site, ['--access-log', 'off']);
    const url = server.url;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });

    // Audits with JavaScript on (axe runs in the page): the two forms and the FAQ.
    for (const [name, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
      const context = await browser.newContext({ viewport });
      await watchCsp(context);
      for (const [p, label] of [['/contact/', 'contact'], ['/contribute/', 'contribute'], ['/faq/', 'faq']]) {
        const page = await context.newPage();
        await page.goto(url + p);
        await checkPage(page, `${name} ${label}`, check);
        if (shots) await page.screenshot({ path: path.join(shots, `${name}-${label}.png`), fullPage: true });
        await page.close();
      }
      await context.close();
    }

    // The footer's doors, and the FAQ's structured data.
    const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(url + '/faq/');
    for (const name of ['Contribute', 'Contact', 'Frequently Asked Questions']) {
      check(await page.locator(`footer a:has-text("${name}")`).count() === 1, `the footer links ${name} once`);
    }
    const questions = await page.locator('.prose h2').allInnerTexts();
    const ld = JSON.parse(await page.locator('script[type="application/ld+json"]').innerText());
    const faq = (ld['@graph'] || []).find((x) => x['@type'] === 'FAQPage');
    check(Boolean(faq), 'the FAQ page is a FAQPage in its JSON-LD');
    const entities = (faq && faq.mainEntity) || [];
    check(questions.length >= 5 && entities.length === questions.length,
          `a Question for each of the page's ${questions.length} headings (${entities.length})`);
    check(entities.every((q, i) => q['@type'] === 'Question' && q.name === questions[i] &&
                          q.acceptedAnswer && q.acceptedAnswer['@type'] === 'Answer' &&
                          q.acceptedAnswer.text.startsWith('<p>')),
          'each with its name and an accepted answer');

    // A reader with JavaScript off sends the contact form.
    await page.goto(url + '/contact/');
    check((await page.innerText('main')).includes('We read everything'), "the page's own text is above the form");
    await page.fill('#contact-name', 'Ada Reader');
    await page.fill('#contact-email', 'ada@reader.example');
    await page.fill('#contact-subject', 'Your review of The Glass Orchard');
    await page.fill('#contact-message', 'I saw it twice.\nThank you for the review.');
    await send(page, 'Send the message');
    check(page.url() === url + '/contact/thanks/', `the form leads to the thank-you page (${page.url()})`);
    check((await page.innerText('main')).includes('has reached the editors'), 'which says so');

    // A would-be contributor sends a pitch with a PDF.
    await page.goto(url + '/contribute/');
    await page.fill('#pitch-name', 'Pat Pitcher');
    await page.fill('#pitch-email', 'pat@pitcher.example');
    await page.fill('#pitch-message', 'An essay on projectionists who became directors.');
    await page.fill('#pitch-links', 'https://pat.example/one\nhttps://pat.example/two');
    await page.setInputFiles('#pitch-file', { name: 'essay.pdf', mimeType: 'application/pdf', buffer: PDF });
    await send(page, 'Send the pitch');
    check(page.url() === url + '/contribute/thanks/', `the pitch leads to the thank-you page (${page.url()})`);

    // A hostile pitch: CR/LF in the name, a script in the pitch, a program named .pdf — sent
    // with the page changed by script (a one-line input cannot hold a line break).
    const hostileName = 'Mallory\r\nBcc: victim@example.com';
    const hostilePitch = '<script>document.title="pwned"</script> Pay me.';
    await context.close();
    const tools = await browser.newContext({ viewport: PHONE });
    const evil = await tools.newPage();
    evil.setDefaultTimeout(15000);
    await evil.goto(url + '/contribute/');
    await evil.evaluate(nameAsTextarea);
    await evil.fill('#pitch-name', hostileName);
    await evil.fill('#pitch-email', 'mallory@evil.example');
    await evil.fill('#pitch-message', hostilePitch);
    await evil.setInputFiles('#pitch-file', { name: 'sample.pdf', mimeType: 'application/pdf',
                                              buffer: fs.readFileSync('/bin/true') });
    const refused = await send(evil, 'Send the pitch');
    check(refused.status() === 400, `the hostile pitch is answered 400 (${refused.status()})`);
    check(await evil.locator('#pitch-file-error').count() === 1, 'the renamed program is refused beside the file field');
    check((await evil.title()) !== 'pwned', 'the pitch shown again runs no script');
    check((await evil.inputValue('#pitch-message')) === hostilePitch, 'and keeps what was typed, as text');
    const focused = await evil.evaluate(() => document.activeElement && document.activeElement.id);
    check(focused === 'pitch-file', `the wrong field has the focus (${focused})`);
    await checkPage(evil, 'phone pitch with an error', check);
    const live = { 'pitch-error': await refused.text() };
    for (const p of ['/contact/', '/contribute/', '/contact/thanks/']) {
      live[p.replace(/\W+/g, '-')] = await (await fetch(url + p)).text();
    }
    validate(path.join(root, 'html'), live);
    if (shots) await evil.screenshot({ path: path.join(shots, 'phone-pitch-error.png'), fullPage: true });
    await evil.evaluate(nameAsTextarea);
    await evil.fill('#pitch-name', hostileName);
    await evil.setInputFiles('#pitch-file', { name: 'notes.txt', mimeType: 'text/plain',
                                              buffer: Buffer.from('Notes, plainly.\n') });
    await send(evil, 'Send the pitch');
    check(evil.url() === url + '/contribute/thanks/', `with a text file it goes through (${evil.url()})`);
    await tools.close();

    // A pitch's file may be up to max_file_kb (10 MB in the demo); every other path keeps 1 MB.
    const twoMb = 2 * 1024 * 1024;
    check((await answerToLength(url, '/contribute/', twoMb)).startsWith('HTTP/1.1 100'),
          '/contribute/ takes a 2 MB body');
    check((await answerToLength(url, '/contribute/', 20 * 1024 * 1024)).startsWith('HTTP/1.1 413'),
          'but not a 20 MB one');
    check((await answerToLength(url, '/contact/', twoMb)).startsWith('HTTP/1.1 413'),
          '/contact/ keeps the 1 MB limit');

    // The inbox has all three; the hostile name is one line.
    const list = inbox(site, 'list').trim().split('\n');
    check(list.length === 3, `three submissions in the inbox (${list.length})`);
    check(/^1\topen\tcontact\t.*Ada Reader <ada@reader\.example>/.test(list[2] || ''), `the message is #1 (${list[2]})`);
    check(/^2\topen\tpitch\t.*Pat Pitcher/.test(list[1] || ''), `the pitch is #2 (${list[1]})`);
    check((list[0] || '').includes('Mallory  Bcc: victim@example.com'), `the hostile name is one line (${list[0]})`);
    const out = path.join(root, 'essay.pdf');
    const shown = inbox(site, 'show', '2', '--file', out);
    check(shown.includes('essay.pdf') && shown.includes('application/pdf'), 'the pitch has its PDF');
    check(fs.existsSync(out) && fs.readFileSync(out).equals(PDF), 'and the file is the one sent, byte for byte');
    check(inbox(site, 'show', '3').includes(hostilePitch), 'the hostile pitch is kept as it was written');

    // Six messages through the SMTP server: an acknowledgement and a forward for each.
    await waitForMail(mail, 6);
    const sent = messages(mail);
    check(sent.length === 6, `six messages (${sent.length})`);
    const to = (m) => header(m, 'X-Envelope-To');
    for (const [who, topic] of [['ada@reader.example', 'Your review of The Glass Orchard'],
                                ['pat@pitcher.example', 'Pitch: Pat Pitcher'],
                                ['mallory@evil.example', 'Pitch: Mallory']]) {
      const ack = sent.find((m) => to(m).includes(who));
      const forward = sent.find((m) => to(m).includes(EDITORS) && header(m, 'Subject').includes(topic));
      check(Boolean(ack) && /We have your/.test(header(ack || '', 'Subject')), `${who} has an acknowledgement`);
      check(Boolean(forward) && header(forward || '', 'Reply-To').includes(who),
            `the editors have a forward of ${who}'s, Reply-To the sender`);
    }
    for (const m of sent) {
      check(!/^Bcc:/mi.test(headers(m)) && !to(m).includes('victim@example.com'),
            'no message has a header or a recipient the stranger wrote');
    }
  } catch (e) {
    check(false, `the walk-through stopped: ${e.stack || e}`);
  } finally {
    await finishWalk('contact_browser_test', root, browser, [server, recorder], checks);
  }
})();
