#!/usr/bin/env node
// End-to-end tests of the page `clinpost serve` embeds, in headless Debian Chromium.
//
//   node run.js [PATH-TO-clinpost]      (default ../target/release/clinpost, or $CLINPOST_BIN)
//
// Builds nothing: it starts the given binary as `clinpost serve --port 0`, waits for the URL it
// prints once it is listening, drives the page with playwright-core, and stops the server at the
// end whatever happens. Prints one line per test and a closing `e2e: N passed, N failed`; exits
// non-zero when a test failed. Saves docs/screenshot.png (desktop width: the "top trumps" post of
// a named GP to a closed group, with its quasi-identifiers highlighted and the risk panel).
// The file steps (photos, screenshots, documents through POST /v1/file; Tesseract reads the
// screenshot) are reported as skipped, with a line saying why, when the binary has no such
// endpoint; skipped steps count neither as passed nor failed.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..');
const BIN = path.resolve(process.argv[2] || process.env.CLINPOST_BIN || path.join(ROOT, 'target/release/clinpost'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SCREENSHOT = path.join(ROOT, 'docs/screenshot.png');
const START_TIMEOUT_MS = 20000;
const STEP_TIMEOUT_MS = 10000;

const DRAFT = 'Seen Mr Pennington today, NHS 943 476 5919, doing well.';
// The sum of information: no name, yet the patient's daughter recognised him.
const TOP_TRUMPS = '82yo man, PSA of 4,850, from clinic this morning. Top trumps!';
const TEACHING = 'AF is common in people over 65; anticoagulation reduces stroke risk.';
// Words of the drafts above that must never reach the browser console.
const DRAFT_CANARIES = ['Pennington', '943 476 5919', '4,850', 'Top trumps', 'anticoagulation'];

// ---- a tiny sequential runner (the steps share one server, browser and page) -----------------
const results = [];
// Thrown by a step that cannot run here (reported as skipped, counted neither passed nor failed).
class Skip extends Error {}
async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok - ${name} (${Date.now() - t0} ms)`);
  } catch (err) {
    if (err instanceof Skip) {
      results.push({ name, ok: true, skipped: err.message });
      console.log(`ok - ${name} # SKIP ${err.message}`);
      return;
    }
    results.push({ name, ok: false });
    console.log(`not ok - ${name} (${Date.now() - t0} ms)`);
    console.log(String((err && err.stack) || err).replace(/^/gm, '    '));
  }
}

// ---- the server ------------------------------------------------------------------------------
function startServer() {
  return new Promise((resolve, reject) => {
    if (!fs.existsSync(BIN)) {
      reject(new Error(`no clinpost binary at ${BIN}: build it first (cargo build --release)`));
      return;
    }
    const child = spawn(BIN, ['serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let settled = false;
    const finish = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn(value);
    };
    const timer = setTimeout(() => {
      finish(reject, new Error(`clinpost serve printed no URL within ${START_TIMEOUT_MS} ms; stdout: ${out} stderr: ${err}`));
    }, START_TIMEOUT_MS);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /(https?:\/\/[^\s"'<>]+)/.exec(out);
      if (m) finish(resolve, { child, url: new URL(m[1]) });
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', (e) => finish(reject, e));
    child.on('exit', (code, signal) => {
      finish(reject, new Error(`clinpost serve exited early (code ${code}, signal ${signal}); stderr: ${err}`));
    });
  });
}

function stopServer(child) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT'); // as Ctrl-C: the server shuts down cleanly
  });
}

// ---- page helpers ----------------------------------------------------------------------------
async function verdictOf(page) {
  return page.locator('#verdict').getAttribute('data-verdict');
}

async function waitVerdict(page, verdict, text) {
  await page.waitForFunction(
    ([v, t]) => {
      const b = document.getElementById('verdict');
      const settled = b && b.dataset.pending !== 'true' && !document.getElementById('editor').classList.contains('is-stale');
      return settled && b.dataset.verdict === v && b.textContent.toLowerCase().includes(t);
    },
    [verdict, text],
    { timeout: STEP_TIMEOUT_MS },
  );
}

// Text and kind of each highlight in the editor's backdrop.
async function marks(page) {
  return page.$$eval('#backdrop mark', (ms) =>
    ms.map((m) => ({ text: m.textContent, kind: m.dataset.kind, category: m.dataset.category, title: m.title, cls: m.className })),
  );
}

// ---- files: photos, screenshots and documents (POST /v1/file) --------------------------------
const FIXTURES = path.join(ROOT, 'crates/media/fixtures');
const FILE_TIMEOUT_MS = 45000; // reading the text in a picture (Tesseract) takes a few seconds
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

async function waitFileVerdict(page, verdict) {
  await page.waitForFunction(
    (v) => {
      const b = document.getElementById('verdict');
      return document.body.dataset.view === 'file' && b.dataset.pending !== 'true' && b.dataset.verdict === v;
    },
    verdict,
    { timeout: FILE_TIMEOUT_MS },
  );
}

// The picture's displayed rectangle and natural size, and each box drawn over it.
async function pictureLayout(page) {
  return page.evaluate(() => {
    const img = document.getElementById('picture-img');
    const r = img.getBoundingClientRect();
    const boxes = Array.from(document.querySelectorAll('#picture-boxes .region-box')).map((b) => {
      const q = b.getBoundingClientRect();
      return { x: q.left, y: q.top, w: q.width, h: q.height, kind: b.dataset.kind, index: b.dataset.index, label: b.getAttribute('aria-label'), cls: b.className };
    });
    return { img: { x: r.left, y: r.top, w: r.width, h: r.height, nw: img.naturalWidth, nh: img.naturalHeight, visible: r.width > 0 && img.complete }, boxes };
  });
}

function assertBoxesInside(layout) {
  const { img, boxes } = layout;
  for (const b of boxes) {
    const inside = b.w > 0 && b.h > 0 && b.x >= img.x - 0.5 && b.y >= img.y - 0.5 && b.x + b.w <= img.x + img.w + 0.5 && b.y + b.h <= img.y + img.h + 0.5;
    assert.ok(inside, `box inside the picture: ${JSON.stringify({ img, box: b })}`);
  }
}

// Groups of the file's findings: heading and the field each card shows.
async function fileGroups(page) {
  return page.$$eval('#file-findings .finding-group', (gs) =>
    gs.map((g) => ({
      key: g.dataset.group,
      heading: g.querySelector('.group-heading').textContent,
      cards: Array.from(g.querySelectorAll('.finding')).map((li) => ({
        kind: li.dataset.kind,
        field: (li.querySelector('.finding-field code') || {}).textContent || '',
        text: li.innerText,
      })),
    })),
  );
}

async function main() {
  let server = null;
  let context = null;
  let userDataDir = null;
  const foreign = [];
  const consoleErrors = [];
  const consoleTexts = [];
  let origin = '';
  let page = null;
  let pageCsp = '';

  const cleanup = async () => {
    if (context) await context.close().catch(() => {});
    context = null;
    if (server) await stopServer(server.child);
    server = null;
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
    userDataDir = null;
  };
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      cleanup().finally(() => process.exit(130));
    });
  }
  process.once('exit', () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
  });

  try {
    await step('server starts and prints its URL', async () => {
      server = await startServer();
      origin = server.url.origin;
      assert.match(server.url.hostname, /^(127\.0\.0\.1|localhost|\[::1\])$/, 'binds to loopback by default');
    });
    if (!server) throw new Error('no server');

    await step('browser opens the page with a strict CSP', async () => {
      userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinpost-e2e-chromium-'));
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless=new',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
        viewport: { width: 1280, height: 900 },
        deviceScaleFactor: 1,
        colorScheme: 'light',
        reducedMotion: 'reduce',
      });
      context.setDefaultTimeout(STEP_TIMEOUT_MS);
      page = context.pages()[0] || (await context.newPage());
      page.on('request', (req) => {
        const u = req.url();
        if (u.startsWith('data:') || u.startsWith('blob:')) return;
        if (new URL(u).origin !== origin) foreign.push(u);
      });
      page.on('console', (msg) => {
        consoleTexts.push(msg.text());
        if (msg.type() === 'error') consoleErrors.push(msg.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(String(e)));
      const response = await page.goto(server.url.href, { waitUntil: 'load' });
      assert.equal(response.status(), 200);
      const csp = response.headers()['content-security-policy'] || '';
      pageCsp = csp;
      assert.match(csp, /default-src 'none'/, `CSP: ${csp}`);
      assert.match(csp, /script-src 'self'/, `CSP: ${csp}`);
      await page.locator('#draft').waitFor();
      assert.match(await page.title(), /clinpost/);
      const privacy = await page.locator('#privacy-note').innerText();
      assert.match(privacy, /Nothing leaves this computer/);
      // Some browsers' cloud spell-checkers send the text of checked fields away.
      for (const id of ['draft', 'ctx-author', 'ctx-practice', 'ctx-postcode']) {
        assert.equal(await page.locator('#' + id).getAttribute('spellcheck'), 'false', `#${id} has spell-check off`);
      }
      // The stylesheet loaded (CSP would block an inline one): the editor's backdrop is styled.
      const ws = await page.$eval('#backdrop', (b) => getComputedStyle(b).whiteSpace);
      assert.equal(ws, 'pre-wrap');
      assert.equal(await verdictOf(page), 'empty');
    });
    if (!page) throw new Error('no page');

    await step('typing a draft highlights the name and the NHS number; banner says do not post', async () => {
      const draft = page.getByRole('textbox', { name: 'Your draft' });
      await draft.click();
      await draft.pressSequentially(DRAFT, { delay: 8 });
      await waitVerdict(page, 'do-not-post', 'do not post');
      await page.waitForFunction(
        () => {
          const kinds = Array.from(document.querySelectorAll('#backdrop mark')).map((m) => m.dataset.kind);
          return kinds.includes('person-name') && kinds.includes('nhs-number');
        },
        null,
        { timeout: STEP_TIMEOUT_MS },
      );
      const ms = await marks(page);
      const name = ms.find((m) => m.kind === 'person-name');
      const nhs = ms.find((m) => m.kind === 'nhs-number');
      assert.match(name.text, /Pennington/);
      assert.equal(nhs.text, '943 476 5919');
      assert.equal(nhs.category, 'identifier');
      assert.match(nhs.cls, /cat-identifier/);
      assert.match(nhs.title, /NHS number/);
      // The backdrop mirrors the textarea exactly (same text), so the highlights sit under the words.
      const mirrored = await page.evaluate(() => {
        const t = document.getElementById('draft').value;
        const b = document.getElementById('backdrop').textContent;
        return b === t || b === t + ' ';
      });
      assert.ok(mirrored, 'backdrop text mirrors the draft');
      // The marks sit under the textarea; hovering one shows its title on the textarea.
      const box = await page.locator('#backdrop mark[data-kind="nhs-number"]').boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.waitForFunction(() => /NHS number/.test(document.getElementById('draft').title));
      await page.mouse.move(5, 5);
      // Textarea and backdrop are laid out identically, so the marks sit exactly under the words.
      const same = await page.evaluate(() => {
        const props = ['fontFamily', 'fontSize', 'fontWeight', 'lineHeight', 'letterSpacing', 'paddingTop', 'paddingLeft',
          'paddingRight', 'borderTopWidth', 'borderLeftWidth', 'borderRightWidth', 'whiteSpace', 'overflowWrap', 'wordBreak', 'tabSize'];
        const a = getComputedStyle(document.getElementById('draft'));
        const b = getComputedStyle(document.getElementById('backdrop'));
        const diff = props.filter((p) => a[p] !== b[p]).map((p) => `${p}: ${a[p]} vs ${b[p]}`);
        const ra = document.getElementById('draft').getBoundingClientRect();
        const rb = document.getElementById('backdrop').getBoundingClientRect();
        if (Math.abs(ra.width - rb.width) > 0.5 || Math.abs(ra.height - rb.height) > 0.5) diff.push('box size');
        return diff;
      });
      assert.deepEqual(same, [], 'textarea and backdrop share their layout');
      const legend = await page.locator('.legend').innerText();
      for (const label of ['Identifier', 'Quasi-identifier', 'Conduct', 'Media']) assert.ok(legend.includes(label), `legend has ${label}`);
    });

    await step('each finding explains itself: message, why, guidance source, confidence, fix', async () => {
      const items = page.locator('#findings > li');
      assert.ok((await items.count()) >= 2);
      const nhsItem = page.locator('#findings > li[data-kind="nhs-number"]');
      await nhsItem.waitFor();
      const text = await nhsItem.innerText();
      assert.match(text, /NHS number/);
      assert.match(text, /high confidence/i);
      assert.match(text, /Identifier/);
      assert.match(text, /943 476 5919/, 'shows the span it found');
      // Why it matters (the rule's summary from /v1/rules) and a citation with its source.
      await page.waitForFunction(() => {
        const li = document.querySelector('#findings > li[data-kind="nhs-number"]');
        return li && li.querySelector('.finding-why').textContent.length > 0 && li.querySelector('.rule-docs');
      });
      const citeLine = await nhsItem.locator('.cites').innerText();
      assert.match(citeLine, /GMC/, `the card names the guidance source: ${citeLine}`);
      // The rule's documentation (markdown) is rendered as elements, not raw HTML, with the
      // full citations.
      await nhsItem.locator('.rule-docs summary').click();
      const docHeadings = await nhsItem.locator('.docs h3, .docs h4, .docs h5').count();
      assert.ok(docHeadings >= 1, 'docs headings rendered');
      const cites = await nhsItem.locator('.citations li').allInnerTexts();
      assert.ok(cites.length >= 1, 'has a guidance citation');
      assert.ok(cites.some((c) => /GMC/i.test(c) && c.includes('gmc-sm/')), `a citation names its source and id: ${cites.join(' | ')}`);
      assert.equal(await nhsItem.locator('.docs script, .docs img, .docs iframe').count(), 0);
      await nhsItem.locator('.rule-docs summary').click();
      const fixLabel = await nhsItem.locator('.fix-btn').innerText();
      assert.match(fixLabel, /NHS number/);
      // The safe version is shown.
      const safe = await page.locator('#safe-text').innerText();
      assert.ok(!safe.includes('943 476 5919') && !safe.includes('Pennington'), `safe version: ${safe}`);
    });

    await step('keyboard: Tab from the draft reaches a fix button; Enter applies it', async () => {
      await page.locator('#draft').focus();
      let reached = null;
      for (let i = 0; i < 40 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => {
          const a = document.activeElement;
          return a && a.classList.contains('fix-btn') ? a.closest('li').dataset.kind : null;
        });
      }
      assert.ok(reached, 'a fix button takes keyboard focus');
      // Focus is visible: the focused button has a focus ring.
      const ring = await page.evaluate(() => getComputedStyle(document.activeElement).boxShadow);
      assert.notEqual(ring, 'none', 'focus style shows');
      // The arrow keys move between findings.
      const liIndex = () => page.evaluate(() => {
        const li = document.activeElement && document.activeElement.closest('#findings > li');
        return li ? Array.from(li.parentElement.children).indexOf(li) : -1;
      });
      const startIndex = await liIndex();
      await page.keyboard.press('ArrowDown');
      assert.equal(await liIndex(), startIndex + 1, 'ArrowDown moves to the next finding');
      await page.keyboard.press('ArrowUp');
      assert.equal(await liIndex(), startIndex, 'ArrowUp moves back');
      for (let i = 0; i < 5; i++) {
        if (await page.evaluate(() => document.activeElement.classList.contains('fix-btn'))) break;
        await page.keyboard.press('Tab');
      }
      reached = await page.evaluate(() => document.activeElement.closest('li').dataset.kind);
      const before = await page.locator('#draft').inputValue();
      await page.keyboard.press('Enter');
      await page.waitForFunction((b) => document.getElementById('draft').value !== b, before);
      const after = await page.locator('#draft').inputValue();
      if (reached === 'nhs-number') assert.ok(after.includes('[NHS number]') && !after.includes('943 476 5919'), after);
      else assert.ok(!after.includes('Pennington'), after);
      // Focus stays on a fix button in the list after the fix (not lost to the page).
      await page.waitForFunction(() => document.getElementById('verdict').dataset.pending !== 'true');
      const focusedAfter = await page.evaluate(() => document.activeElement && document.activeElement.className);
      assert.match(focusedAfter || '', /fix-btn/, 'focus moves to the next fix button');
    });

    await step('applying the remaining fixes makes the banner say ok', async () => {
      for (let i = 0; i < 10; i++) {
        const button = page.locator('#findings .fix-btn').first();
        if ((await button.count()) === 0) break;
        const before = await page.locator('#draft').inputValue();
        await button.click();
        await page.waitForFunction((b) => document.getElementById('draft').value !== b, before);
        await page.waitForFunction(() => !document.getElementById('editor').classList.contains('is-stale'));
      }
      await waitVerdict(page, 'ok', 'ok to post');
      const text = await page.locator('#draft').inputValue();
      assert.ok(text.includes('[NHS number]'), text);
      assert.ok(!text.includes('943 476 5919') && !text.includes('Pennington'), text);
      assert.equal(await page.locator('#backdrop mark').count(), 0);
      assert.equal(await page.locator('#findings > li').count(), 0);
      const safe = await page.locator('#safe-text').innerText();
      assert.equal(safe.trim(), text.trim());
    });

    await step('"apply all safe fixes" fixes everything in one go', async () => {
      const draft = page.locator('#draft');
      await draft.fill(DRAFT);
      await waitVerdict(page, 'do-not-post', 'do not post');
      await page.locator('#apply-all').click();
      await waitVerdict(page, 'ok', 'ok to post');
      const text = await draft.inputValue();
      assert.ok(text.includes('[NHS number]') && !text.includes('Pennington'), text);
    });

    await step('copy safe version puts the safe text on the clipboard', async () => {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
      await page.locator('#draft').fill(DRAFT);
      await waitVerdict(page, 'do-not-post', 'do not post');
      const safe = await page.locator('#safe-text').innerText();
      await page.locator('#copy-safe').click();
      await page.waitForFunction(() => document.getElementById('copy-safe').textContent === 'Copied');
      const clip = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(clip, safe);
    });

    await step('context controls are sent with the check (audience, members, account, author)', async () => {
      const expected = {
        author: 'Dr A Jones, GP, Riverside Practice, Leeds',
        audience: 'closed-group:5000',
        account: 'pseudonymous',
      };
      const sent = page.waitForRequest((req) => {
        if (!req.url().endsWith('/v1/check') || req.method() !== 'POST') return false;
        const ctx = (JSON.parse(req.postData() || '{}') || {}).context || {};
        return ctx.author === expected.author && ctx.audience === expected.audience && ctx.account === expected.account;
      });
      await page.locator('#ctx-audience').selectOption('closed-group');
      await page.locator('#ctx-members').fill('5000');
      await page.locator('#ctx-author').fill(expected.author);
      await page.locator('input[name="account"][value="pseudonymous"]').check();
      const req = await sent;
      assert.deepEqual(JSON.parse(req.postData()).context, expected);
      await req.response();
      // An invalid member count is flagged on the page and not sent.
      await page.locator('#ctx-members').fill('0');
      assert.equal(await page.locator('#ctx-members').getAttribute('aria-invalid'), 'true');
      await page.locator('#ctx-members').fill('5000');
      // Back to the defaults for the next steps.
      await page.locator('#ctx-audience').selectOption('public');
      await page.locator('input[name="account"][value="named"]').check();
      await page.locator('#ctx-author').fill('');
    });

    await step('author profile: role, practice, postcode and list size are sent as context.profile (filled fields only)', async () => {
      const sentWith = (want) =>
        page.waitForRequest((req) => {
          if (!req.url().endsWith('/v1/check') || req.method() !== 'POST') return false;
          const ctx = (JSON.parse(req.postData() || '{}') || {}).context || {};
          return JSON.stringify(ctx.profile) === JSON.stringify(want);
        });
      await page.locator('#draft').fill(DRAFT);
      await waitVerdict(page, 'do-not-post', 'do not post');
      let sent = sentWith({ role: 'GP' });
      await page.locator('#ctx-role').selectOption('GP');
      await (await sent).response();
      sent = sentWith({ role: 'GP', practice: 'H81034', postcode: 'GU1 4AA', list_size: 8815 });
      await page.locator('#ctx-practice').fill('H81034');
      await page.locator('#ctx-postcode').fill('GU1 4AA');
      await page.locator('#ctx-list-size').fill('8815');
      const req = await sent;
      const profile = JSON.parse(req.postData()).context.profile;
      assert.equal(typeof profile.list_size, 'number', 'list_size is sent as a number');
      await req.response();
      // An invalid list size is flagged and left out; emptied fields are left out.
      sent = sentWith({ role: 'GP', practice: 'H81034' });
      await page.locator('#ctx-list-size').fill('0');
      assert.equal(await page.locator('#ctx-list-size').getAttribute('aria-invalid'), 'true');
      assert.ok(await page.locator('#ctx-list-size-error').isVisible(), 'the error is shown');
      await page.locator('#ctx-postcode').fill('');
      await (await sent).response();
      await page.locator('#ctx-list-size').fill('');
      assert.equal(await page.locator('#ctx-list-size').getAttribute('aria-invalid'), 'false');
      // Persisted with the rest of the context, as the author is; the draft never is.
      const stored = await page.evaluate(() => JSON.stringify(Object.assign({}, window.localStorage)));
      assert.match(stored, /H81034/);
      for (const c of DRAFT_CANARIES) assert.ok(!stored.includes(c), `localStorage holds no draft text: ${stored}`);
    });

    await step('risk panel: the "top trumps" post of a named GP to a closed group of 5,000 is very high risk', async () => {
      await page.locator('#ctx-audience').selectOption('closed-group');
      await page.locator('#ctx-members').fill('5000');
      await page.locator('#ctx-role').selectOption('GP');
      await page.locator('#ctx-practice').fill('H81034');
      await page.locator('#draft').fill(TOP_TRUMPS);
      await waitVerdict(page, 'do-not-post', 'do not post');
      const panel = page.locator('#risk');
      await panel.waitFor({ state: 'visible' });
      const level = await panel.getAttribute('data-level');
      assert.ok(['high', 'very-high'].includes(level), `level ${level}`);
      assert.match(await page.locator('#risk-level').innerText(), /high risk/i);
      const text = await panel.innerText();
      assert.match(text, /Who could recognise this patient\?/);
      assert.match(text, /do not post/i);
      assert.match(text, /About 1 person matches.*\(\u03ba 1\.00; threshold 0\.09 for this audience\)/);
      assert.match(text, /Counted among: a practice list of [0-9,]+/);
      assert.match(text, /Someone who knows when you saw the patient/, 'the insider view');
      // The explanation (the arithmetic) names the practice list.
      const explanation = await panel.evaluate((p) => p.querySelector('#risk-lead').textContent + ' ' + p.querySelector('#risk-explanation').textContent);
      assert.match(explanation, /practice list/);
      assert.match(explanation, /k = 1 \+ \(/, 'shows the arithmetic');
      // Suggestions, each with its advice, and the numbers after them.
      const advice = await page.locator('#risk-suggestions > li .risk-advice').allInnerTexts();
      assert.ok(advice.length >= 1 && advice.some((a) => /test result/i.test(a)), `advice: ${advice.join(' | ')}`);
      assert.match(await page.locator('#risk-after').innerText(), /^After these changes: about \d+ people, \u03ba 0\.\d\d \((very low|low)\)\.$/);
      // The details are highlighted as quasi-identifiers, with their own legend entry and a
      // dashed underline (not colour alone).
      const ms = await marks(page);
      const quasi = ms.filter((m) => m.category === 'quasi-identifier');
      assert.ok(quasi.some((m) => m.text === 'PSA of 4,850'), JSON.stringify(ms));
      assert.ok(quasi.some((m) => m.text === 'this morning'), JSON.stringify(ms));
      const decoration = await page.$eval('#backdrop mark[data-category="quasi-identifier"]', (m) => getComputedStyle(m).textDecorationStyle);
      assert.equal(decoration, 'dashed');
      assert.match(await page.locator('.legend').innerText(), /Quasi-identifier/);
      assert.match(await page.locator('.legend [data-count="quasi-identifier"]').innerText(), /^\(\d+\)$/, 'the legend counts them');

      // The README's screenshot: this post, its highlights and the panel.
      fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.setViewportSize({ width: 1280, height: 1100 });
      await page.evaluate(() => {
        if (document.activeElement) document.activeElement.blur();
        window.scrollTo(0, 0);
      });
      const box = await panel.boundingBox();
      assert.ok(box && box.y + box.height <= 1100, `the panel fits the screenshot: ${JSON.stringify(box)}`);
      await page.screenshot({ path: SCREENSHOT, fullPage: false });
      await page.setViewportSize({ width: 1280, height: 900 });
      const size = fs.statSync(SCREENSHOT).size;
      assert.ok(size > 10000, `screenshot is ${size} bytes`);
    });

    await step('risk panel: a suggestion button is keyboard-reachable and applies its change at its span', async () => {
      await page.locator('#draft').focus();
      let reached = false;
      for (let i = 0; i < 20 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => document.activeElement.classList.contains('suggest-btn'));
      }
      assert.ok(reached, 'Tab from the draft reaches a suggestion button');
      const before = await page.locator('#draft').inputValue();
      await page.keyboard.press('Enter');
      await page.waitForFunction((b) => document.getElementById('draft').value !== b, before);
      await page.waitForFunction(() => document.getElementById('verdict').dataset.pending !== 'true' && !document.getElementById('editor').classList.contains('is-stale'));
      const after = await page.locator('#draft').inputValue();
      assert.equal(after, '82yo man, from clinic this morning. Top trumps!', 'the test result went, and its comma with it');
      const focused = await page.evaluate(() => document.activeElement && document.getElementById('risk').contains(document.activeElement));
      assert.ok(focused, 'focus stays in the risk panel');
      // Undo for the next step.
      await page.locator('#draft').fill(TOP_TRUMPS);
      await waitVerdict(page, 'do-not-post', 'do not post');
    });

    await step('risk panel: making the suggested changes brings the risk down', async () => {
      const before = await page.locator('#draft').inputValue();
      const all = page.locator('#risk-apply-all');
      if (await all.isVisible()) {
        await all.click();
      } else {
        await page.locator('#risk-suggestions .suggest-btn').first().click();
      }
      await page.waitForFunction((b) => document.getElementById('draft').value !== b, before);
      await page.waitForFunction(() => {
        const v = document.getElementById('verdict');
        return v.dataset.pending !== 'true' && !document.getElementById('editor').classList.contains('is-stale');
      });
      const text = await page.locator('#draft').inputValue();
      assert.ok(!text.includes('4,850'), text);
      const panel = page.locator('#risk');
      const state = await panel.evaluate((p) => ({ hidden: p.hidden, level: p.dataset.level, verdict: p.dataset.verdict }));
      assert.ok(
        state.hidden || ['low', 'very-low'].includes(state.level) || ['ok', 'caution'].includes(state.verdict),
        `risk after the changes: ${JSON.stringify(state)}`,
      );
      if (state.verdict === 'ok') {
        assert.match(await page.locator('#risk-compact').innerText(), /^Low risk of recognition: about \d+ people match/);
        assert.equal(await page.locator('#risk-full').isVisible(), false);
        // "Top trumps" itself is still a derogatory game about a patient (a conduct finding):
        // the risk changes remove the quasi-identifiers, not that.
        const left = (await marks(page)).filter((m) => m.category === 'quasi-identifier');
        assert.equal(left.length, 0, JSON.stringify(left));
      }
    });

    await step('risk panel: a teaching post is ok, with no high-risk panel', async () => {
      await page.locator('#draft').fill(TEACHING);
      await waitVerdict(page, 'ok', 'ok to post');
      const panel = await page.locator('#risk').evaluate((p) => ({
        hidden: p.hidden,
        verdict: p.dataset.verdict,
        full: !p.querySelector('#risk-full').hidden,
        compact: p.querySelector('#risk-compact').textContent,
      }));
      assert.ok(panel.hidden || panel.verdict === 'ok', JSON.stringify(panel));
      assert.equal(panel.full, false, 'no full risk panel');
      if (!panel.hidden) assert.match(panel.compact, /^Low risk of recognition/);
      assert.equal(await page.locator('#risk-level').isVisible(), false);
      assert.equal(await page.locator('#backdrop mark').count(), 0, 'nothing highlighted');
    });

    await step('risk panel: earlier posts and a suggestion with a replacement (answer stubbed)', async () => {
      // `clinpost serve` keeps no post history, so an answer that combines earlier posts is stubbed.
      const draftText = '82yo man with a rare cancer, better today.';
      const risk = {
        level: 'medium', verdict: 'caution', k: 6.2, p_unique: 0.002, kappa: 0.161, threshold: 0.09,
        audience: 'closed-group:5000', population: 8198,
        base: { kind: 'practice', label: 'a practice list of 8,815', why: 'stub' },
        details: [{ kind: 'age', start: 0, end: 4, utf16_start: 0, utf16_end: 4, used: true }],
        suggestions: [{ kind: 'age', start: 0, end: 4, utf16_start: 0, utf16_end: 4, drop: false, advice: 'an age band ("in his 80s") instead of the age', replacement: 'in his 80s' }],
        after: { population: 8198, k: 40, kappa: 0.025, level: 'very-low' },
        earlier: [{ id: 7, posted: '2025-11-20', shared: ['age', 'condition'], back_reference: true }],
        explanation: ['About 6 people on a practice list of 8,815 match.', 'Threshold for this audience (closed-group:5000): \u03ba \u2264 0.09.'],
      };
      await page.route('**/v1/check', (route) =>
        route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ verdict: 'caution', findings: [], fixed: draftText, risk }) }),
      );
      try {
        await page.locator('#draft').fill(draftText);
        await waitVerdict(page, 'caution', 'caution');
        assert.equal(await page.locator('#risk').getAttribute('data-level'), 'medium');
        assert.match(await page.locator('#risk-level').innerText(), /Medium risk/);
        const earlier = await page.locator('#risk-earlier-list > li').allInnerTexts();
        assert.equal(earlier.length, 1);
        assert.match(earlier[0], /2025-11-20.*#7.*shares age, condition; this post refers back to it/);
        // A detail no finding covers is still highlighted as a quasi-identifier.
        const ms = await marks(page);
        assert.deepEqual(ms.map((m) => [m.text, m.category]), [['82yo', 'quasi-identifier']]);
        const btn = page.locator('#risk-suggestions .suggest-btn');
        assert.equal(await btn.innerText(), 'Replace with \u201cin his 80s\u201d');
        await btn.click();
        await page.waitForFunction(() => document.getElementById('draft').value.startsWith('in his 80s man'));
      } finally {
        await page.unroute('**/v1/check');
      }
    });

    await step('risk panel at phone width (390x844): readable, no horizontal scroll', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator('#draft').fill(TOP_TRUMPS);
      await waitVerdict(page, 'do-not-post', 'do not post');
      await page.locator('#risk-full').waitFor({ state: 'visible' });
      await page.locator('#risk-working summary').click();
      const layout = await page.evaluate(() => {
        const d = document.documentElement;
        const risk = document.getElementById('risk');
        const r = risk.getBoundingClientRect();
        const outside = Array.from(risk.querySelectorAll('*'))
          .filter((n) => n.getClientRects().length)
          .map((n) => n.getBoundingClientRect())
          .filter((b) => b.right > r.right + 1 || b.left < r.left - 1).length;
        const buttons = Array.from(risk.querySelectorAll('button')).filter((b) => !b.hidden).map((b) => b.getBoundingClientRect().height);
        return { scrollWidth: d.scrollWidth, clientWidth: d.clientWidth, left: r.left, right: r.right, riskScroll: risk.scrollWidth, riskClient: risk.clientWidth, outside, buttons };
      });
      assert.ok(layout.scrollWidth <= layout.clientWidth, `no horizontal scroll: ${JSON.stringify(layout)}`);
      assert.ok(layout.left >= 0 && layout.right <= layout.clientWidth, `the panel fits the screen: ${JSON.stringify(layout)}`);
      assert.ok(layout.riskScroll <= layout.riskClient, `nothing overflows the panel: ${JSON.stringify(layout)}`);
      assert.equal(layout.outside, 0, `no element sticks out of the panel: ${JSON.stringify(layout)}`);
      assert.ok(layout.buttons.length >= 1 && layout.buttons.every((h) => h >= 40), `buttons are easy to tap: ${JSON.stringify(layout)}`);
      await page.locator('#risk-working summary').click();
      await page.setViewportSize({ width: 1280, height: 900 });
      // Back to the defaults for the next steps.
      await page.locator('#ctx-audience').selectOption('public');
      await page.locator('#ctx-role').selectOption('');
      await page.locator('#ctx-practice').fill('');
    });

    await step('rapid typing ends in the state of the final text (stale answers ignored)', async () => {
      const draft = page.locator('#draft');
      await draft.fill('');
      await draft.pressSequentially('NHS 943 476 5919 ', { delay: 0 });
      await draft.press('Control+a');
      await draft.pressSequentially('All well on the ward round.', { delay: 0 });
      await waitVerdict(page, 'ok', 'ok to post');
      assert.equal(await page.locator('#backdrop mark').count(), 0);
    });

    await step('non-ASCII text: highlights use UTF-16 offsets', async () => {
      await page.locator('#draft').fill('\u{1FA7A} Clinic \u00e9t\u00e9 \u2014 seen Mr Pennington, NHS 943 476 5919 \u{1F44B}');
      await waitVerdict(page, 'do-not-post', 'do not post');
      await page.waitForFunction(() => document.querySelectorAll('#backdrop mark[data-kind="nhs-number"]').length === 1);
      const ms = await marks(page);
      assert.equal(ms.find((m) => m.kind === 'nhs-number').text, '943 476 5919');
      assert.equal(ms.find((m) => m.kind === 'person-name').text.replace(/^Mr /, ''), 'Pennington');
    });

    await step('a server error is shown plainly, and the page recovers', async () => {
      const errorsBefore = consoleErrors.length;
      await page.route('**/v1/check', (route) =>
        route.fulfill({
          status: 422,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'invalid-context', message: 'audience must be public, closed-group:N or private:N' } }),
        }),
      );
      await page.locator('#draft').fill('All well on the ward round today.');
      await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'error');
      assert.match(await page.locator('#verdict').innerText(), /Could not check.*audience must be public/s);
      await page.unroute('**/v1/check');
      // The browser logs the 422 it was sent on purpose; that one is expected.
      consoleErrors.splice(errorsBefore).filter((e) => !/status of 422/.test(e)).forEach((e) => consoleErrors.push(e));
      await page.locator('#draft').fill('All well on the ward round.');
      await waitVerdict(page, 'ok', 'ok to post');
    });

    await step('phone width (390x844): one column, no horizontal scroll', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator('#draft').fill(DRAFT + ' ' + 'x'.repeat(120));
      await waitVerdict(page, 'do-not-post', 'do not post');
      const layout = await page.evaluate(() => {
        const d = document.documentElement;
        const edit = document.querySelector('.pane-edit').getBoundingClientRect();
        const res = document.querySelector('.pane-results').getBoundingClientRect();
        return { scrollWidth: d.scrollWidth, clientWidth: d.clientWidth, editBottom: edit.bottom, resTop: res.top, resWidth: res.width };
      });
      assert.ok(layout.scrollWidth <= layout.clientWidth, `no horizontal scroll: ${JSON.stringify(layout)}`);
      assert.ok(layout.resTop >= layout.editBottom - 1, `results below the editor: ${JSON.stringify(layout)}`);
      assert.ok(layout.resWidth > 300, 'results use the full width');
      // A long, many-line draft grows the editor instead of scrolling inside it, so the
      // highlights never drift from the words.
      await page.locator('#draft').fill(('Line of the draft that wraps at phone width.\n').repeat(30) + DRAFT + '\n');
      await waitVerdict(page, 'do-not-post', 'do not post');
      const fit = await page.evaluate(() => {
        const t = document.getElementById('draft');
        const b = document.getElementById('backdrop');
        return { scroll: t.scrollHeight, client: t.clientHeight, backdrop: b.getBoundingClientRect().height, area: t.getBoundingClientRect().height };
      });
      assert.ok(fit.scroll <= fit.client + 1, `the textarea does not scroll: ${JSON.stringify(fit)}`);
      assert.ok(Math.abs(fit.backdrop - fit.area) < 1, `backdrop and textarea are the same height: ${JSON.stringify(fit)}`);
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    // ---- files: photos, screenshots and documents ------------------------------------------
    // The stubbed step runs everywhere; the others need POST /v1/file in the binary under test
    // and are skipped (saying so) when it answers 404.
    const tmpFiles = fs.mkdtempSync(path.join(os.tmpdir(), 'clinpost-e2e-files-'));
    let fileEndpoint = null;
    const needFileEndpoint = async () => {
      if (fileEndpoint === null) {
        const res = await fetch(origin + '/v1/file', { method: 'POST' });
        fileEndpoint = res.status;
        await res.arrayBuffer().catch(() => {});
      }
      if (fileEndpoint === 404) throw new Skip('POST /v1/file answers 404: this clinpost binary has no file endpoint yet');
    };
    const backToText = async () => {
      if ((await page.evaluate(() => document.body.dataset.view)) !== 'file') return;
      await page.locator('#back-to-text').click();
      await page.waitForFunction(() => document.body.dataset.view === 'text');
    };

    await step('file (answer stubbed): a HEIC photo without a clean copy shows the warning and the context goes with it', async () => {
      const answer = {
        kind: 'image', format: 'HEIC', media_type: 'image/heic', width: 64, height: 48, verdict: 'caution',
        findings: [
          { rule: 'MED001', name: 'gps-location', category: 'media', kind: 'gps-location', severity: 'error', confidence: 'high',
            message: 'GPS position in EXIF', guidance: ['mdo/location-metadata'], evidence: [{ type: 'label' }], start: 0, end: 0, field: 'EXIF:GPSLatitude' },
          { rule: 'MED007', name: 'text-in-image-unchecked', category: 'media', kind: 'text-in-image', severity: 'warning', confidence: 'low',
            message: 'The text in the picture was not checked (see the warning); look for names, numbers and dates yourself', guidance: [], evidence: [], start: 0, end: 0 },
        ],
        warnings: ['the text in the picture was not checked: text in HEIC pictures cannot be read; convert it to JPEG or PNG'],
        clean: null,
      };
      const requests = [];
      await page.route('**/v1/file', async (route) => {
        requests.push(route.request());
        await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(answer) });
      });
      try {
        // The page shows the person's own picture from an object URL: the CSP must allow it.
        assert.match(pageCsp, /img-src [^;]*\bblob:/, `CSP: ${pageCsp}`);
        await page.locator('#ctx-author').fill('Dr A Jones, GP');
        await page.locator('#file-input').setInputFiles(path.join(FIXTURES, 'gps.heic'));
        await waitFileVerdict(page, 'caution');
        assert.equal(await page.locator('#file-view').isVisible(), true, 'the file view shows');
        assert.equal(await page.locator('#text-view').isVisible(), false, 'the draft is put aside');
        assert.equal(await page.evaluate(() => document.activeElement.id), 'file-heading', 'focus moves to the file view');
        // One multipart request: the file and the context the text check sends.
        assert.equal(requests.length, 1);
        const req = requests[0];
        assert.match(req.headers()['content-type'], /^multipart\/form-data; boundary=/);
        const body = req.postDataBuffer().toString('latin1');
        assert.match(body, /name="file"; filename="gps\.heic"/);
        const ctx = /name="context"\r\n\r\n([^\r]*)\r\n/.exec(body);
        assert.ok(ctx, 'a context part');
        assert.deepEqual(JSON.parse(ctx[1]), { author: 'Dr A Jones, GP', audience: 'public', account: 'named' });
        // The warning, and why there is no clean copy.
        assert.match(await page.locator('#file-warnings').innerText(), /The text in the picture was not checked: text in HEIC pictures cannot be read/);
        assert.equal(await page.locator('#download-clean').isVisible(), false, 'no download without a clean copy');
        assert.match(await page.locator('#clean').innerText(), /cannot write a clean copy of a HEIC picture/);
        assert.match(await page.locator('#verdict').innerText(), /Caution/);
        // Findings grouped by where they are; no boxes (nothing was read in the picture).
        const groups = await fileGroups(page);
        assert.deepEqual(groups.map((g) => g.key), ['label:EXIF metadata', 'file'], JSON.stringify(groups));
        assert.equal(groups[0].cards[0].field, 'EXIF:GPSLatitude');
        assert.equal(await page.locator('#picture-boxes .region-box').count(), 0);
        // The browser cannot show HEIC: said, not a broken image.
        await page.waitForFunction(() => /cannot show HEIC/.test(document.getElementById('picture-caption').textContent) || document.getElementById('picture').hidden);
        // Back to the draft: the text view, its verdict and the draft as it was.
        const draft = await page.locator('#draft').inputValue();
        await backToText();
        assert.equal(await page.locator('#draft').inputValue(), draft);
        assert.equal(await page.evaluate(() => document.activeElement.id), 'draft', 'focus back in the draft');
        await waitVerdict(page, 'do-not-post', 'do not post');
        assert.equal(await page.locator('#file-results').isVisible(), false);
      } finally {
        await page.unroute('**/v1/file');
        await page.locator('#ctx-author').fill('');
      }
    });

    await step('file: dropping a screenshot shows it with a box over each identifier found in it; do not post', async () => {
      await needFileEndpoint();
      const data = fs.readFileSync(path.join(FIXTURES, 'report.png')).toString('base64');
      const dataTransfer = await page.evaluateHandle(([b64, name]) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], name, { type: 'image/png' }));
        return dt;
      }, [data, 'report.png']);
      await page.dispatchEvent('#draft', 'dragenter', { dataTransfer });
      await page.dispatchEvent('#draft', 'dragover', { dataTransfer });
      assert.equal(await page.locator('#drop-overlay').isVisible(), true, 'the drop zone shows while dragging');
      await page.dispatchEvent('#drop-overlay', 'drop', { dataTransfer });
      assert.equal(await page.locator('#drop-overlay').isVisible(), false);
      await dataTransfer.dispose();
      await waitFileVerdict(page, 'do-not-post');
      await page.waitForFunction(() => {
        const img = document.getElementById('picture-img');
        return img.complete && img.naturalWidth > 0 && document.querySelectorAll('#picture-boxes .region-box').length >= 3;
      });
      const layout = await pictureLayout(page);
      assert.equal(layout.img.nw, 720, 'the picture is the dropped file');
      assert.ok(layout.img.visible && layout.img.w > 100, JSON.stringify(layout.img));
      assert.ok(layout.boxes.length >= 3, `boxes: ${layout.boxes.length}`);
      assertBoxesInside(layout);
      const kinds = layout.boxes.map((b) => b.kind);
      const wanted = ['person-name', 'date-of-birth', 'nhs-number', 'hospital-number'].filter((k) => kinds.includes(k));
      assert.ok(wanted.length >= 3, `boxes over the name, DOB, NHS and hospital numbers: ${kinds.join(', ')}`);
      assert.ok(layout.boxes.every((b) => /cat-identifier/.test(b.cls)), 'coloured as identifiers');
      assert.ok(layout.boxes.every((b) => /^Box \d+: Identifier, /.test(b.label)), 'each box is labelled');
      // The NHS number's box sits where the server found it, scaled to the displayed size.
      const nhs = await page.evaluate(() => {
        const b = document.querySelector('#picture-boxes .region-box[data-kind="nhs-number"]');
        return b ? Number(b.dataset.index) : -1;
      });
      assert.ok(nhs >= 0, 'an NHS number box');
      // Each box leads to its finding and back, by keyboard.
      const first = page.locator('#picture-boxes .region-box').first();
      const index = await first.getAttribute('data-index');
      await first.focus();
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'file-finding-' + index, 'Enter on a box moves to its finding');
      assert.match(await page.locator('#file-finding-' + index).getAttribute('class'), /is-current/);
      assert.match(await page.locator('#file-finding-' + index).innerText(), /box \d+ on the picture/);
      await page.locator('#file-finding-' + index + ' .show-box-btn').click();
      assert.equal(await page.evaluate(() => document.activeElement.dataset.index), index, '"Show on the picture" moves to the box');
      // Verdict and list.
      assert.match(await page.locator('#verdict').innerText(), /Do not post/);
      assert.match(await page.locator('#verdict-meta').innerText(), /PNG picture, 720 \u00d7 380 pixels/);
      const groups = await fileGroups(page);
      assert.equal(groups[0].key, 'picture', 'text in the picture first');
      assert.ok(groups[0].cards.length >= 3);
      // The boxes stay on the words when the page is resized.
      const ratios = (l) => l.boxes.map((b) => [(b.x - l.img.x) / l.img.w, (b.y - l.img.y) / l.img.h, b.w / l.img.w]);
      const before = ratios(layout);
      await page.setViewportSize({ width: 820, height: 900 });
      const after = await pictureLayout(page);
      assert.ok(Math.abs(after.img.w - layout.img.w) > 20, `the picture was resized: ${layout.img.w} -> ${after.img.w}`);
      assertBoxesInside(after);
      ratios(after).forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(v - before[i][j]) < 0.01, `box ${i} moved with the picture: ${before[i]} vs ${r}`)));
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    await step('file: the clean copy of the screenshot downloads as report-clean.png, a PNG', async () => {
      await needFileEndpoint();
      assert.match(await page.locator('#clean-what').innerText(), /a new PNG with black boxes over what was found and no metadata/);
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-clean').click()]);
      assert.equal(download.suggestedFilename(), 'report-clean.png');
      const saved = await download.path();
      const bytes = fs.readFileSync(saved);
      assert.deepEqual(Array.from(bytes.subarray(0, 8)), PNG_SIGNATURE, 'starts with the PNG signature');
      assert.ok(!bytes.equals(fs.readFileSync(path.join(FIXTURES, 'report.png'))), 'not the original');
      // Nothing of the file is kept in the page's storage.
      const stored = await page.evaluate(() => Object.keys(window.localStorage));
      assert.deepEqual(stored, ['clinpost.context.v1']);
    });

    await step('file: a phone photo lists its GPS position with the field it is in', async () => {
      await needFileEndpoint();
      await page.locator('#pick-another').waitFor();
      await page.locator('#file-input').setInputFiles(path.join(FIXTURES, 'phone.jpg'));
      await waitFileVerdict(page, 'do-not-post');
      const groups = await fileGroups(page);
      const gps = groups.flatMap((g) => g.cards.map((c) => ({ ...c, group: g.heading }))).find((c) => c.kind === 'gps-location');
      assert.ok(gps, JSON.stringify(groups));
      assert.equal(gps.field, 'EXIF:GPSLatitude');
      assert.match(gps.group, /^EXIF metadata/);
      assert.match(gps.text, /GPS position/);
      assert.match(gps.text, /Where: EXIF:GPSLatitude/);
      assert.match(await page.locator('#clean-what').innerText(), /the same picture without its metadata/);
      assert.equal(await page.locator('#download-clean').isVisible(), true);
    });

    await step('file: a Word letter lists its findings by part; the clean copy is a DOCX', async () => {
      await needFileEndpoint();
      await page.locator('#file-input').setInputFiles(path.join(FIXTURES, 'clinic-letter.docx'));
      await waitFileVerdict(page, 'do-not-post');
      assert.equal(await page.locator('#picture').isVisible(), false, 'no picture for a document');
      assert.match(await page.locator('#doc-card').innerText(), /Word document \(DOCX\): \d+ findings in \d+ parts/);
      const groups = await fileGroups(page);
      const headings = groups.map((g) => g.heading);
      assert.ok(groups.length >= 3, headings.join(' | '));
      for (const h of ['Document properties', 'Comments', 'Tracked changes']) {
        assert.ok(headings.some((x) => x.startsWith(h)), `a "${h}" group: ${headings.join(' | ')}`);
      }
      for (const g of groups) for (const c of g.cards) assert.match(c.field, /^DOCX:/, `each finding names its part: ${JSON.stringify(c)}`);
      assert.equal(new Set(groups.map((g) => g.key)).size, groups.length, 'one group per part');
      assert.match(await page.locator('#clean-what').innerText(), /comments removed, tracked changes accepted, properties blanked/);
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-clean').click()]);
      assert.equal(download.suggestedFilename(), 'clinic-letter-clean.docx');
      const bytes = fs.readFileSync(await download.path());
      assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'a zip (DOCX) file');
    });

    await step('file: a text file named .png is refused with the formats clinpost reads (415)', async () => {
      await needFileEndpoint();
      const fake = path.join(tmpFiles, 'notes.png');
      fs.writeFileSync(fake, 'Seen today, all well. This is text, not a picture.\n');
      const errorsBefore = consoleErrors.length;
      await page.locator('#file-input').setInputFiles(fake);
      await waitFileVerdict(page, 'error');
      assert.equal(await page.locator('#verdict').getAttribute('data-status'), '415');
      assert.match(await page.locator('#verdict').innerText(), /clinpost reads JPEG, PNG, WebP, HEIC, DOCX and DICOM files/);
      assert.equal(await page.locator('#picture').isVisible(), false);
      assert.equal(await page.locator('#file-results').isVisible(), false);
      // The browser logs the 415 it was sent on purpose; that one is expected.
      consoleErrors.splice(errorsBefore).filter((e) => !/status of 415/.test(e)).forEach((e) => consoleErrors.push(e));
    });

    await step('file view at phone width (390x844): the picture and its boxes fit, no horizontal scroll', async () => {
      await needFileEndpoint();
      await page.setViewportSize({ width: 390, height: 844 });
      try {
        await page.locator('#file-input').setInputFiles(path.join(FIXTURES, 'report.png'));
        await waitFileVerdict(page, 'do-not-post');
        await page.waitForFunction(() => document.getElementById('picture-img').complete && document.querySelectorAll('#picture-boxes .region-box').length >= 3);
        const layout = await pictureLayout(page);
        assertBoxesInside(layout);
        const page_ = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
        assert.ok(page_.scrollWidth <= page_.clientWidth, `no horizontal scroll: ${JSON.stringify(page_)}`);
        assert.ok(layout.img.x >= 0 && layout.img.x + layout.img.w <= page_.clientWidth, `the picture fits: ${JSON.stringify(layout.img)}`);
        const buttons = await page.$$eval('#file-view button:not(.region-box), #clean button', (bs) => bs.filter((b) => b.offsetParent).map((b) => b.getBoundingClientRect().height));
        assert.ok(buttons.every((h) => h >= 40), `buttons are easy to tap: ${buttons}`);
        await backToText();
        await waitVerdict(page, 'do-not-post', 'do not post');
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 });
      }
    });
    fs.rmSync(tmpFiles, { recursive: true, force: true });

    await step('the page made no request to any other origin, no console errors, no draft text in the console', async () => {
      assert.deepEqual(foreign, [], `requests to other origins: ${foreign.join(', ')}`);
      assert.deepEqual(consoleErrors, [], `console errors: ${consoleErrors.join(' | ')}`);
      const leaked = consoleTexts.filter((t) => DRAFT_CANARIES.some((c) => t.includes(c)));
      assert.deepEqual(leaked, [], 'no draft text in the console');
    });
  } catch (err) {
    if (!results.some((r) => !r.ok)) {
      results.push({ name: 'setup', ok: false });
      console.log(`not ok - setup: ${err && err.message}`);
    }
  } finally {
    await cleanup();
  }

  const skipped = results.filter((r) => r.skipped);
  const passed = results.filter((r) => r.ok && !r.skipped).length;
  const failed = results.filter((r) => !r.ok).length;
  if (skipped.length) console.log(`e2e: ${skipped.length} skipped (${[...new Set(skipped.map((r) => r.skipped))].join('; ')})`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
});
