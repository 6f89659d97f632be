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
async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok - ${name} (${Date.now() - t0} ms)`);
  } catch (err) {
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

async function main() {
  let server = null;
  let context = null;
  let userDataDir = null;
  const foreign = [];
  const consoleErrors = [];
  const consoleTexts = [];
  let origin = '';
  let page = null;

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

  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
});
