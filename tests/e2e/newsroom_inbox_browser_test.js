#!/usr/bin/env node
// The inbox and the newsletters in the newsroom, in a real browser: the demo magazine served by
// `cinepress serve`, Debian's Chromium driven by playwright-core, its mail through a real SMTP
// server (aiosmtpd, smtp_recorder.py). A reader sends the contact form; an editor (invited with
// `cinepress staff add`), with JavaScript off, finds it in the newsroom's inbox, reads it,
// replies — the reply arrives through the SMTP server, quoting the message — and closes it
// (`cinepress inbox list` agrees). Then the editor opens the weekly newsletter, sees the next
// issue previewed (its HTML in a sandboxed frame, its text part), sends a test that arrives at
// their own address, and schedules the send. Every page passes axe-core on a phone and a
// desktop, with nothing blocked by its Content-Security-Policy.
//
//   node tests/e2e/newsroom_inbox_browser_test.js BINARY
//   SCREENSHOTS=/tmp/shots node tests/e2e/newsroom_inbox_browser_test.js BINARY
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium, makeChecks, startServer, checkPage, watchCsp, demoWithRecorder, waitForMail,
  finishWalk } = require('./browser_common');

const binary = process.argv[2];
if (!binary || !fs.existsSync(binary)) {
  console.error('usage: newsroom_inbox_browser_test.js BINARY');
  process.exit(2);
}
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const PASSWORD = 'a long enough password';
const EDITOR = 'ed@changeover.example';
const checks = makeChecks();
const { check } = checks;
const TYPING_MS = 3500;  // the contact form refuses what is sent sooner than 3 s after it was made

function cli(site, ...args) {
  return execFileSync(binary, [...args, '--site', site], { encoding: 'utf8' });
}

async function submit(page, button) {
  const [response] = await Promise.all([page.waitForNavigation(),
                                        page.click(`button:has-text("${button}")`)]);
  return response;
}

// A message's header block (folded lines joined) and one header.
function header(message, name) {
  const block = message.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const m = block.match(new RegExp(`^${name}: (.*)$`, 'mi'));
  return m ? m[1] : '';
}

// The n-th message's text, waiting for it; and whether any message so far is to `who`.
async function mailTo(folder, n, who) {
  const m = await waitForMail(folder, n);
  check(header(m, 'X-Envelope-To').includes(who), `message ${n} is to ${who} (${header(m, 'X-Envelope-To')})`);
  return m;
}

(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cinepress-newsroom-inbox-'));
  const shots = process.env.SCREENSHOTS;
  if (shots) fs.mkdirSync(shots, { recursive: true });
  let server = null;
  let recorder = null;
  let browser = null;
  const started = Date.now();
  try {
    const demo = await demoWithRecorder(binary, root);
    ({ recorder } = demo);
    const { site, mail } = demo;
    const invitation = cli(site, 'staff', 'add', EDITOR, '--role', 'editor')
      .match(/\/admin\/invitation\/\?token=\S+/)[0];
    server = await startServer(binary, site, ['--access-log', 'off']);
    const url = server.url;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });

    // A reader writes (JavaScript off): an acknowledgement and the editors' forward go out.
    const reader = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const form = await reader.newPage();
    form.setDefaultTimeout(15000);
    await form.goto(url + '/contact/');
    await form.fill('#contact-name', 'Ada <Reader>');
    await form.fill('#contact-email', 'ada@reader.example');
    await form.fill('#contact-subject', 'The retrospective <b>in March</b>');
    await form.fill('#contact-message', 'Will you cover the retrospective?\n<script>alert(1)</script>');
    await form.waitForTimeout(TYPING_MS);
    await submit(form, 'Send the message');
    check(form.url() === url + '/contact/thanks/', `the message is sent (${form.url()})`);
    await reader.close();
    await waitForMail(mail, 2);

    // The editor accepts the invitation and signs in (JavaScript off).
    const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(url + invitation);
    await page.fill('#password', PASSWORD);
    await page.fill('#password_again', PASSWORD);
    await submit(page, 'Set my password');
    await page.goto(url + '/admin/sign-in/');
    await page.fill('#email', EDITOR);
    await page.fill('#password', PASSWORD);
    await submit(page, 'Sign in');
    check(page.url() === url + '/admin/', `the editor reaches the dashboard (${page.url()})`);
    check(/\b1\s+open messages/.test(await page.innerText('main')), 'the dashboard counts one open message');

    // The inbox: the message, escaped; the reply; closing it.
    await Promise.all([page.waitForNavigation(), page.click('a:has-text("open messages")')]);
    check(page.url().startsWith(url + '/admin/inbox/'), `the count leads to the inbox (${page.url()})`);
    await Promise.all([page.waitForNavigation(),
                       page.click('a:has-text("The retrospective <b>in March</b>")')]);
    const messageUrl = page.url();
    check(/\/admin\/inbox\/1\/$/.test(messageUrl), `the message has its page (${messageUrl})`);
    const text = await page.innerText('main');
    check(text.includes('<script>alert(1)</script>'), 'the hostile text is shown as text');
    check(await page.locator('main script, main b').count() === 0, 'and is no markup in the page');
    await page.fill('#reply', 'Yes: our critic is there all week.');
    await submit(page, 'Send the reply');
    check(page.url() === messageUrl, 'the reply leads back to the message');
    check((await page.innerText('main')).includes('Yes: our critic is there all week.'), 'the reply is in the thread');
    const reply = await mailTo(mail, 3, 'ada@reader.example');
    check(header(reply, 'Subject').includes('Re: The retrospective'), `the reply's subject (${header(reply, 'Subject')})`);
    check(reply.includes('Yes: our critic is there all week.'), 'the reply arrives with its text');
    check(reply.includes('> Will you cover the retrospective?'), 'quoting the message');
    await submit(page, 'Close it');
    check((await page.innerText('main')).includes('Reopen it'), 'the message is closed');
    check(/^1\tclosed\tcontact\t/.test(cli(site, 'inbox', 'list')), '`cinepress inbox list` says it is closed');

    // The weekly newsletter: the preview, a test to the editor, the send scheduled.
    await page.goto(url + '/admin/newsletters/');
    await Promise.all([page.waitForNavigation(), page.click('a:has-text("The Changeover Weekly")')]);
    check(page.url() === url + '/admin/newsletters/weekly/', `the newsletter has its page (${page.url()})`);
    const frame = page.locator('iframe.email-preview');
    check(await frame.count() === 1 && (await frame.getAttribute('sandbox')) === '', 'the HTML preview is a sandboxed frame');
    const framed = await (await frame.elementHandle()).contentFrame();
    check(Boolean(framed) && (await framed.content()).includes('Changeover'), 'the frame shows the issue');
    check((await page.innerText('pre.email-text')).length > 20, 'the text part is shown');
    await submit(page, 'Send a test to');
    check((await page.innerText('main')).includes('on its way to your address'), 'the test is on its way');
    const test = await mailTo(mail, 4, EDITOR);
    check(header(test, 'Subject').startsWith('[Test] '), `the test arrives marked (${header(test, 'Subject')})`);
    await page.fill('#at', '2031-05-01T09:30');
    await submit(page, 'Schedule');
    check((await page.innerText('main')).includes('2031-05-01 09:30'), 'the send is scheduled at the time given');
    check((await page.innerText('main')).includes('America/Toronto'), "in the site's zone");
    const cookies = await context.cookies();
    await context.close();

    // Every page, audited with JavaScript on.
    for (const [name, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
      const audit = await browser.newContext({ viewport });
      await watchCsp(audit);
      await audit.addCookies(cookies);
      const p = await audit.newPage();
      for (const [target, label] of [['/admin/', 'dashboard'], ['/admin/inbox/?status=all', 'inbox'],
                                     [messageUrl.slice(url.length), 'message'],
                                     ['/admin/newsletters/', 'newsletters'],
                                     ['/admin/newsletters/weekly/', 'newsletter']]) {
        await p.goto(url + target);
        await checkPage(p, `${name} ${label}`, check);
        if (shots) await p.screenshot({ path: path.join(shots, `${name}-${label}.png`), fullPage: true });
      }
      await audit.close();
    }
  } catch (e) {
    check(false, `the walk-through stopped: ${e.stack || e}`);
  }
  await finishWalk('newsroom_inbox_browser', root, browser, [server, recorder], checks);
})();
