#!/usr/bin/env node
// Readers' comments in a real browser: the demo magazine (which has members, so comments are on)
// served by `cinepress serve`, Debian's Chromium driven by playwright-core, its mail through a
// real SMTP server (aiosmtpd, smtp_recorder.py). A stranger cannot post (the form asks them to
// sign in; a post answers 403). A member, signed in with JavaScript off, comments under a review
// — a hostile text and a name with markup and a header in it — and is told it waits for review;
// the notice arrives by SMTP. An editor finds it counted on the dashboard, approves it in
// /admin/comments/, and it is shown on the review as text, with its <time>. The member replies
// (shown at once: their first was approved), the reply nests under it, and they delete it from
// /comments/mine/. Every page passes axe-core on a phone and a desktop.
//
//   node tests/e2e/comments_browser_test.js BINARY
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium, makeChecks, startServer, checkPage, watchCsp, demoWithRecorder, waitForMail,
  finishWalk, staffContext, memberSignIn, screenshot } = require('./browser_common');

const binary = process.argv[2];
if (!binary || !fs.existsSync(binary)) {
  console.error('usage: comments_browser_test.js BINARY');
  process.exit(2);
}
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const REVIEW = '/reviews/after-dinner/';
const MEMBER = 'reader@example.org';
const HOSTILE_NAME = 'Ada <img src=x onerror=alert(1)>\r\nBcc: evil@example.com';
const HOSTILE_TEXT = '<script>alert(1)</script> Loved the ending: https://example.com/notes.';
const checks = makeChecks();
const { check } = checks;

async function submit(page, button) {
  const [response] = await Promise.all([page.waitForNavigation(),
                                        page.click(`button:has-text("${button}")`)]);
  return response;
}

function header(message, name) {
  const block = message.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const m = block.match(new RegExp(`^${name}: (.*)$`, 'mi'));
  return m ? m[1] : '';
}

// Opens `url` until `selector` matches `n` elements (serve follows the store's changes within a
// moment of the commit; no time is asserted): whether it did.
async function openUntil(page, url, selector, n) {
  for (let i = 0; i < 100; i++) {
    await page.goto(url);
    if (await page.locator(selector).count() === n) return true;
    await page.waitForTimeout(200);
  }
  return false;
}

// Audits `url` in a new page of each viewport, the context's cookies carried over.
async function auditBoth(browser, cookies, url, label) {
  for (const [name, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    const context = await browser.newContext({ viewport });
    await watchCsp(context);
    if (cookies.length) await context.addCookies(cookies);
    const page = await context.newPage();
    await page.goto(url);
    await checkPage(page, `${name} ${label}`, check);
    await screenshot(page, `comments-${name}-${label.replace(/\W+/g, '-')}`);
    await context.close();
  }
}

(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cinepress-comments-browser-'));
  let server = null;
  let recorder = null;
  let browser = null;
  const started = Date.now();
  try {
    const demo = await demoWithRecorder(binary, root,
      (text) => `${text}\n[comments]\nnotify = ["desk@changeover.example"]\n`);
    ({ recorder } = demo);
    const { site, mail } = demo;
    execFileSync(binary, ['members', 'add', MEMBER, '--name', HOSTILE_NAME, '--site', site]);
    server = await startServer(binary, site, ['--access-log', 'off']);
    const url = server.url;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });

    // A stranger (JavaScript off): the form is under the review; Continue asks them to sign in,
    // and a post without a member's session is refused.
    const stranger = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const s = await stranger.newPage();
    s.setDefaultTimeout(20000);
    await s.goto(url + REVIEW);
    check(await s.locator('form.comment-form textarea[name="comment"]').count() === 1,
          'the review has the comment form');
    const articleId = await s.getAttribute('form.comment-form input[name="article"]', 'value');
    await s.fill('#comment-text', 'Hello from nobody');
    await submit(s, 'Continue');
    check(s.url() === url + '/comments/write/', `Continue leads to the form's page (${s.url()})`);
    check((await s.innerText('main')).includes('Comments are for members'), 'a stranger is asked to sign in');
    check(await s.locator('a[href="/account/sign-in/"]').count() >= 1, 'with a link to sign in');
    const refused = await s.request.post(url + '/comments/post/', {
      form: { article: articleId, comment: 'Forged' }, headers: { Origin: url } });
    check(refused.status() === 403, `a stranger's post answers 403 (${refused.status()})`);
    await stranger.close();

    // The member signs in with the code from the message (JavaScript off).
    const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(20000);
    await memberSignIn(page, url, mail, MEMBER, 1, check);

    // They comment: the text comes back in the form, with the token, and is posted.
    await page.goto(url + REVIEW);
    await page.fill('#comment-text', HOSTILE_TEXT);
    await submit(page, 'Continue');
    check(await page.inputValue('#comment-text') === HOSTILE_TEXT, 'the form shows the text again');
    await submit(page, 'Post comment');
    check((await page.innerText('main')).includes('waits for an editor'), 'the first comment is held');
    const notice = await waitForMail(mail, 2);
    check(header(notice, 'X-Envelope-To').includes('desk@changeover.example') ||
          header(notice, 'To').includes('desk@changeover.example'), 'the notice goes to [comments] notify');
    check(header(notice, 'Subject').includes('A comment waits for review'), 'and says it waits');
    check(!/^Bcc:/mi.test(notice.split(/\r?\n\r?\n/)[0]), 'the name put no header in the message');
    await page.goto(url + REVIEW);
    check(!(await page.content()).includes('Loved the ending'), 'a held comment is not on the page');

    // The editor approves it in the newsroom (JavaScript off).
    const editor = await staffContext(binary, browser, url, site, 'ed@changeover.example', 'editor', check);
    const ed = editor.page;
    check(/\b1\s+comments waiting/.test(await ed.innerText('main')), 'the dashboard counts the comment');
    await Promise.all([ed.waitForNavigation(), ed.click('a:has-text("comments waiting")')]);
    check(ed.url().startsWith(url + '/admin/comments/'), `the count leads to the queue (${ed.url()})`);
    const queue = await ed.innerText('main');
    check(queue.includes('<script>alert(1)</script>'), 'the queue shows the hostile text as text');
    check(await ed.locator('main script, main img').count() === 0, 'and no markup of it');
    await checkPage(ed, 'desktop comments queue', check);
    await ed.check('input[name="c"]');
    await submit(ed, 'Approve');
    check((await ed.innerText('main')).includes('1 comment approved.'), 'the queue says it is approved');

    // Shown on the review at once, as text, with its date; the reply nests under it.
    check(await openUntil(page, url + REVIEW, '.comments__list li.comment', 1),
          'the approved comment is on the review');
    const li = page.locator('.comments__list li.comment').first();
    check((await li.innerText()).includes('<script>alert(1)</script> Loved the ending'),
          'the approved comment is shown as text');
    check((await li.innerText()).includes('Ada <img src=x onerror=alert(1)> Bcc: evil@example.com'),
          'with the name as text, on one line');
    check(await page.locator('.comments__list script, .comments__list img').count() === 0,
          'no markup from the comment or the name');
    check(await li.locator('time[datetime]').count() === 1, 'with its <time>');
    check(await li.locator('a[href="https://example.com/notes"][rel~="nofollow"]').count() === 1,
          'its address is a nofollow link');
    await Promise.all([page.waitForNavigation(), li.locator('a:has-text("Reply")').click()]);
    check((await page.innerText('main')).includes('in reply to'), 'Reply opens the form for a reply');
    await page.fill('#comment-text', 'And a reply of mine.');
    await submit(page, 'Post comment');
    check(page.url().startsWith(url + REVIEW + '#comment-'), `the reply leads to its place (${page.url()})`);
    check(await openUntil(page, url + REVIEW, 'li.comment--depth-1', 1), 'the reply is nested under the comment');

    // Audits: the review with comments, the form, the member's own comments.
    const cookies = await context.cookies();
    await auditBoth(browser, cookies, url + REVIEW, 'review with comments');
    await auditBoth(browser, cookies, url + `/comments/write/?article=${articleId}`, 'comment form');
    await auditBoth(browser, cookies, url + '/comments/mine/', 'my comments');

    // The member deletes their reply.
    await page.goto(url + '/comments/mine/');
    check(await page.locator('button:has-text("Delete this comment")').count() === 2, 'both are listed');
    await submit(page, 'Delete this comment');
    check(await page.locator('button:has-text("Delete this comment")').count() === 1, 'one is deleted');
    check(await openUntil(page, url + REVIEW, '.comments__list li.comment', 1), 'the page shows one comment');
    await context.close();
    await editor.context.close();
  } catch (e) {
    check(false, `the walk-through stopped: ${e.stack || e}`);
  } finally {
    await finishWalk('comments_browser_test', root, browser, [server, recorder], checks);
  }
})();
