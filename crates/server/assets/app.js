// clinpost page: checks a draft against the local clinpost server as the person types.
//
// Rules this file keeps:
// - It talks only to the server that served it (relative URLs; the CSP allows nothing else).
// - User text and server text reach the page only as DOM text nodes (textContent), never as HTML.
// - Spans are sliced with the findings' UTF-16 offsets (utf16_start / utf16_end), which is what
//   JavaScript strings index by; the byte offsets are for other clients.
'use strict';

(function () {
  const DEBOUNCE_MS = 150;
  const CATEGORY_LABELS = {
    identifier: 'Identifier',
    'quasi-identifier': 'Quasi-identifier',
    conduct: 'Conduct',
    media: 'Media',
  };
  const SEVERITY_LABELS = { error: 'Error', warning: 'Warning', info: 'Note' };
  const VERDICTS = {
    ok: {
      title: 'OK to post',
      text: 'Nothing found that could identify a patient or breach guidance. Read it once more as the patient would.',
    },
    caution: {
      title: 'Caution: review before posting',
      text: 'Some details could narrow down who this is, or the post may conflict with professional guidance. Look at each finding below.',
    },
    'do-not-post': {
      title: 'Do not post',
      text: 'This draft could identify a patient or breaches professional guidance. Apply the fixes below, or use the safe version.',
    },
    empty: {
      title: 'Nothing to check yet',
      text: 'Type or paste a draft and it is checked as you go.',
    },
  };
  const EXAMPLE =
    'Seen Mr Pennington today, NHS 943 476 5919, doing well after his fall. ' +
    'Lovely man, 94 and still gardening!';
  const STORAGE_KEY = 'clinpost.context.v1';
  const RISK_LEVELS = {
    'very-low': 'Very low',
    low: 'Low',
    medium: 'Medium',
    high: 'High',
    'very-high': 'Very high',
  };
  const RISK_VERDICTS = {
    ok: 'OK for this audience',
    caution: 'Caution: review before posting',
    'do-not-post': 'Do not post',
  };
  const ROLES = ['GP', 'hospital', 'ED', 'ward', 'community', 'other'];

  const $ = (id) => document.getElementById(id);
  const el = {
    editor: $('editor'),
    backdrop: $('backdrop'),
    draft: $('draft'),
    example: $('example-btn'),
    verdict: $('verdict'),
    verdictTitle: $('verdict-title'),
    verdictText: $('verdict-text'),
    verdictMeta: $('verdict-meta'),
    announcer: $('announcer'),
    findings: $('findings'),
    findingsHeading: $('findings-heading'),
    findingsCount: $('findings-count'),
    findingsEmpty: $('findings-empty'),
    applyAll: $('apply-all'),
    safeText: $('safe-text'),
    copySafe: $('copy-safe'),
    author: $('ctx-author'),
    audience: $('ctx-audience'),
    membersField: $('ctx-members-field'),
    membersLabel: $('ctx-members-label'),
    members: $('ctx-members'),
    membersError: $('ctx-members-error'),
    role: $('ctx-role'),
    practice: $('ctx-practice'),
    postcode: $('ctx-postcode'),
    listSize: $('ctx-list-size'),
    listSizeError: $('ctx-list-size-error'),
    risk: $('risk'),
    riskFull: $('risk-full'),
    riskHeading: $('risk-heading'),
    riskLevel: $('risk-level'),
    riskVerdict: $('risk-verdict'),
    riskSummary: $('risk-summary'),
    riskLead: $('risk-lead'),
    riskBase: $('risk-base'),
    riskInsider: $('risk-insider'),
    riskChanges: $('risk-changes'),
    riskSuggestions: $('risk-suggestions'),
    riskApplyAll: $('risk-apply-all'),
    riskAfter: $('risk-after'),
    riskEarlier: $('risk-earlier'),
    riskEarlierList: $('risk-earlier-list'),
    riskWorking: $('risk-working'),
    riskExplanation: $('risk-explanation'),
    riskCompact: $('risk-compact'),
    template: $('finding-template'),
  };

  // ---- state --------------------------------------------------------------------------------
  const state = {
    text: '', // the text the current findings refer to (kept in step with the textarea)
    findings: [], // findings, offsets valid for state.text
    risk: null, // the report's risk object; its details and suggestions are kept in step like findings
    riskFocus: null, // where keyboard focus goes in the risk panel once the re-check answers
    verdict: 'empty',
    fixed: '',
    stale: false, // the text changed since the last answer; findings were shifted, not re-checked
    seq: 0, // number of the latest request sent
    controller: null, // AbortController of the request in flight
    timer: 0,
    rules: new Map(), // code -> rule from /v1/rules
    guidance: new Map(), // guidance id -> {id, source, summary}
    lastAnnounced: '',
    currentIndex: -1,
    mode: 'text', // 'text': the draft; 'file': a photo or document (see "files" below)
  };

  // ---- helpers ------------------------------------------------------------------------------
  function node(tag, className, text) {
    const n = document.createElement(tag);
    if (className) n.className = className;
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }

  function plural(n, one, many) {
    return n + ' ' + (n === 1 ? one : many || one + 's');
  }

  function announce(message) {
    // Clear first so that the same message is read again when it repeats.
    el.announcer.textContent = '';
    window.setTimeout(() => {
      el.announcer.textContent = message;
    }, 30);
  }

  function span(f) {
    const s = Number.isInteger(f.utf16_start) ? f.utf16_start : -1;
    const e = Number.isInteger(f.utf16_end) ? f.utf16_end : -1;
    return { start: s, end: e };
  }

  function hasSpan(f, text) {
    const { start, end } = span(f);
    return start >= 0 && end > start && end <= text.length;
  }

  function categoryClass(category) {
    return CATEGORY_LABELS[category] ? 'cat-' + category : 'cat-identifier';
  }

  async function readError(response) {
    try {
      const body = await response.json();
      if (body && body.error && body.error.message) {
        return body.error.message + (body.error.code ? ' (' + body.error.code + ')' : '');
      }
    } catch (_) {
      /* not JSON */
    }
    return 'the server answered ' + response.status + ' ' + response.statusText;
  }

  // ---- context ------------------------------------------------------------------------------
  function membersValid() {
    const raw = el.members.value.trim();
    return /^[0-9]+$/.test(raw) && Number(raw) >= 1;
  }

  function readContext() {
    const context = {};
    const author = el.author.value.trim();
    if (author) context.author = author;
    const kind = el.audience.value;
    if (kind === 'public') {
      context.audience = 'public';
    } else if (membersValid()) {
      context.audience = kind + ':' + Number(el.members.value.trim());
    }
    const account = document.querySelector('input[name="account"]:checked');
    if (account) context.account = account.value;
    // The author's work, for the re-identification model: only the fields filled in.
    const profile = {};
    if (ROLES.includes(el.role.value)) profile.role = el.role.value;
    const practice = el.practice.value.trim();
    if (practice) profile.practice = practice;
    const postcode = el.postcode.value.trim();
    if (postcode) profile.postcode = postcode;
    if (el.listSize.value.trim() && listSizeValid()) profile.list_size = Number(el.listSize.value.trim());
    if (Object.keys(profile).length) context.profile = profile;
    return context;
  }

  function listSizeValid() {
    const raw = el.listSize.value.trim();
    return raw === '' || (/^[0-9]+$/.test(raw) && Number(raw) >= 1 && Number.isSafeInteger(Number(raw)));
  }

  function syncContextControls() {
    const kind = el.audience.value;
    el.membersField.hidden = kind === 'public';
    el.membersLabel.textContent = kind === 'private' ? 'People in the chat' : 'Members of the group';
    const invalid = kind !== 'public' && !membersValid();
    el.members.setAttribute('aria-invalid', invalid ? 'true' : 'false');
    el.membersError.hidden = !invalid;
    const badList = !listSizeValid();
    el.listSize.setAttribute('aria-invalid', badList ? 'true' : 'false');
    el.listSizeError.hidden = !badList;
  }

  function saveContext() {
    try {
      const account = document.querySelector('input[name="account"]:checked');
      window.localStorage.setItem(
        STORAGE_KEY,
        JSON.stringify({
          author: el.author.value,
          audience: el.audience.value,
          members: el.members.value,
          account: account ? account.value : 'named',
          role: el.role.value,
          practice: el.practice.value,
          postcode: el.postcode.value,
          listSize: el.listSize.value,
        }),
      );
    } catch (_) {
      /* storage unavailable: fine */
    }
  }

  function loadContext() {
    try {
      const saved = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || 'null');
      if (!saved) return;
      if (typeof saved.author === 'string') el.author.value = saved.author;
      if (['public', 'closed-group', 'private'].includes(saved.audience)) el.audience.value = saved.audience;
      if (typeof saved.members === 'string') el.members.value = saved.members;
      const radio = document.querySelector('input[name="account"][value="' + (saved.account === 'pseudonymous' ? 'pseudonymous' : 'named') + '"]');
      if (radio) radio.checked = true;
      if (ROLES.includes(saved.role)) el.role.value = saved.role;
      if (typeof saved.practice === 'string') el.practice.value = saved.practice;
      if (typeof saved.postcode === 'string') el.postcode.value = saved.postcode;
      if (typeof saved.listSize === 'string') el.listSize.value = saved.listSize;
    } catch (_) {
      /* ignore */
    }
  }

  // ---- rules catalogue (for "why it matters") ----------------------------------------------
  async function loadRules() {
    try {
      const response = await fetch('/v1/rules', { headers: { accept: 'application/json' } });
      if (!response.ok) return;
      const rules = await response.json();
      if (!Array.isArray(rules)) return;
      for (const rule of rules) {
        if (!rule || typeof rule.code !== 'string') continue;
        state.rules.set(rule.code, rule);
        for (const g of rule.guidance || []) {
          if (g && typeof g === 'object' && g.id) state.guidance.set(g.id, g);
        }
      }
      renderFindings(); // fill in explanations for findings already shown
    } catch (_) {
      /* the findings still show their messages */
    }
  }

  // A small, safe markdown subset: headings, paragraphs, bullet lists, fenced code, `inline code`,
  // **bold**. Everything becomes text nodes.
  function renderInline(parent, text) {
    const re = /(`[^`]+`|\*\*[^*]+\*\*)/g;
    let last = 0;
    let m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      const token = m[0];
      if (token[0] === '`') parent.appendChild(node('code', '', token.slice(1, -1)));
      else parent.appendChild(node('strong', '', token.slice(2, -2)));
      last = m.index + token.length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function renderMarkdown(markdown) {
    const frag = document.createDocumentFragment();
    const lines = String(markdown || '').replace(/\r\n?/g, '\n').split('\n');
    let para = [];
    let list = null;
    const flushPara = () => {
      if (para.length) {
        const p = node('p');
        renderInline(p, para.join(' '));
        frag.appendChild(p);
        para = [];
      }
    };
    const flushList = () => {
      if (list) {
        frag.appendChild(list);
        list = null;
      }
    };
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (/^\s*```/.test(line)) {
        flushPara();
        flushList();
        const code = [];
        i++;
        while (i < lines.length && !/^\s*```/.test(lines[i])) code.push(lines[i++]);
        const pre = node('pre');
        pre.appendChild(node('code', '', code.join('\n')));
        frag.appendChild(pre);
        continue;
      }
      const heading = /^(#{1,6})\s+(.*)$/.exec(line);
      if (heading) {
        flushPara();
        flushList();
        const level = Math.min(5, heading[1].length + 2); // page uses h1-h2; docs sit under findings
        const h = node('h' + level);
        renderInline(h, heading[2]);
        frag.appendChild(h);
        continue;
      }
      const item = /^\s*[-*]\s+(.*)$/.exec(line);
      if (item) {
        flushPara();
        if (!list) list = node('ul');
        const li = node('li');
        renderInline(li, item[1]);
        list.appendChild(li);
        continue;
      }
      if (!line.trim()) {
        flushPara();
        flushList();
        continue;
      }
      flushList();
      para.push(line.trim());
    }
    flushPara();
    flushList();
    return frag;
  }

  // ---- rendering ----------------------------------------------------------------------------
  function markTitle(f) {
    return (CATEGORY_LABELS[f.category] || f.category) + ': ' + f.message + ' (' + f.rule + ')';
  }

  function renderBackdrop() {
    const text = el.draft.value;
    const frag = document.createDocumentFragment();
    // Non-overlapping spans in order; an overlapping later one is listed but not drawn twice.
    const spans = state.findings
      .map((f, index) => ({ f, index, ...span(f) }))
      .filter((s) => hasSpan(s.f, text));
    // When the details add up to a risk, each one is marked, also those no finding covers.
    for (const d of riskDetailsToMark(text)) {
      if (!spans.some((s) => s.start < d.end && d.start < s.end)) spans.push(d);
    }
    spans.sort((a, b) => a.start - b.start || b.end - a.end);
    let pos = 0;
    for (const s of spans) {
      if (s.start < pos) continue;
      if (s.start > pos) frag.appendChild(document.createTextNode(text.slice(pos, s.start)));
      if (s.detail) {
        const mark = node('mark', 'cat-quasi-identifier is-detail' + (s.detail.used === false ? ' is-unused' : ''), text.slice(s.start, s.end));
        mark.title = detailTitle(s.detail);
        mark.dataset.detail = String(s.detailIndex);
        mark.dataset.kind = s.detail.kind || '';
        mark.dataset.category = 'quasi-identifier';
        frag.appendChild(mark);
        pos = s.end;
        continue;
      }
      const mark = node('mark', categoryClass(s.f.category), text.slice(s.start, s.end));
      mark.title = markTitle(s.f);
      mark.dataset.index = String(s.index);
      mark.dataset.rule = s.f.rule;
      mark.dataset.kind = s.f.kind;
      mark.dataset.category = s.f.category;
      if (s.index === state.currentIndex) mark.classList.add('is-current');
      frag.appendChild(mark);
      pos = s.end;
    }
    if (pos < text.length) frag.appendChild(document.createTextNode(text.slice(pos)));
    // A trailing newline needs something after it to take up its line, as in the textarea.
    frag.appendChild(document.createTextNode(text.endsWith('\n') || text === '' ? ' ' : ''));
    el.backdrop.replaceChildren(frag);
    el.editor.classList.toggle('is-stale', state.stale);
  }

  function kindWords(kind) {
    return String(kind || 'detail').replace(/-/g, ' ');
  }

  function detailTitle(d) {
    return 'Quasi-identifier: ' + kindWords(d.kind) + (d.used === false ? ' (not counted: another detail says more)' : ' (one of the details that add up)');
  }

  function riskOf() {
    const r = state.risk;
    return r && typeof r === 'object' && !Array.isArray(r) ? r : null;
  }

  // The risk's details to draw in the backdrop: only when the risk is not ok.
  function riskDetailsToMark(text) {
    const r = riskOf();
    if (!r || r.verdict === 'ok' || !Array.isArray(r.details)) return [];
    return r.details
      .map((d, i) => ({ detail: d, detailIndex: i, ...span(d) }))
      .filter((d) => hasSpan(d.detail, text));
  }

  function finite(x) {
    return typeof x === 'number' && Number.isFinite(x);
  }

  // "about 24", "about 28,000", "only 1": people matching, as the explanation words them.
  function peopleCount(k) {
    if (!finite(k)) return '?';
    if (k < 1.5) return '1';
    if (k < 1000) return Math.round(k).toLocaleString('en-GB');
    const digits = Math.floor(Math.log10(k)) - 1;
    const rounded = Math.round(k / Math.pow(10, digits)) * Math.pow(10, digits);
    return rounded.toLocaleString('en-GB');
  }

  function aboutPeople(k, capital) {
    const n = peopleCount(k);
    const word = capital ? 'About ' : 'about ';
    return n === '1' ? word + '1 person' : word + n + ' people';
  }

  function kappaText(x) {
    return finite(x) ? x.toFixed(2) : '?';
  }

  function levelWords(level) {
    return (RISK_LEVELS[level] || String(level || 'unknown')).toLowerCase();
  }

  function upperFirst(text) {
    const t = String(text || '');
    return t ? t[0].toUpperCase() + t.slice(1) : t;
  }

  function hasRiskDetails(r) {
    return !!(r && Array.isArray(r.details) && (r.details.length > 0 || r.detailCount > 0));
  }

  // Where focus was in the risk panel, so a rebuilt panel can put it back.
  function riskFocusInfo() {
    const a = document.activeElement;
    if (!a || !el.risk.contains(a)) return null;
    if (a.classList.contains('suggest-btn')) return { suggestion: Number(a.dataset.index) };
    if (a === el.riskApplyAll) return { all: true };
    return { other: true };
  }

  // Focus is moved only when it is in the panel or was lost with a rebuilt button, never taken
  // from the draft or another control the person has moved to.
  function mayMoveFocus() {
    const a = document.activeElement;
    return !a || a === document.body || el.risk.contains(a);
  }

  function restoreRiskFocus(info) {
    if (!info || !mayMoveFocus()) return;
    if (el.risk.hidden) {
      el.findingsHeading.focus();
      return;
    }
    if (!el.riskCompact.hidden) {
      el.riskCompact.focus();
      return;
    }
    const buttons = Array.from(el.riskSuggestions.querySelectorAll('.suggest-btn'));
    let target = null;
    if (info.all && !el.riskApplyAll.hidden) target = el.riskApplyAll;
    else if (info.suggestion !== undefined && buttons.length) target = buttons[Math.min(Math.max(0, info.suggestion), buttons.length - 1)];
    if (target) target.focus();
    else if (!el.risk.contains(document.activeElement)) el.riskHeading.focus();
  }

  function renderRisk() {
    const text = el.draft.value;
    const r = riskOf();
    const focus = state.riskFocus || riskFocusInfo();
    state.riskFocus = state.stale ? focus : null;
    const show = state.verdict !== 'empty' && hasRiskDetails(r);
    el.risk.hidden = !show;
    if (!show) {
      el.risk.dataset.level = '';
      el.risk.dataset.verdict = '';
      if (focus && !state.stale) restoreRiskFocus(focus);
      return;
    }
    const level = RISK_LEVELS[r.level] ? r.level : 'medium';
    const verdict = RISK_VERDICTS[r.verdict] ? r.verdict : 'caution';
    el.risk.dataset.level = level;
    el.risk.dataset.verdict = verdict;
    el.risk.classList.toggle('is-stale', state.stale);

    if (verdict === 'ok') {
      // Ok: one line. When κ is over the threshold the verdict is ok only because nothing in
      // the post describes a particular person (a teaching post); say that rather than a count.
      el.riskFull.hidden = true;
      el.riskCompact.hidden = false;
      const general = finite(r.kappa) && finite(r.threshold) && r.kappa > r.threshold;
      el.riskCompact.textContent = general
        ? 'Low risk of recognition: the post does not describe a particular patient.'
        : 'Low risk of recognition: ' + aboutPeople(r.k, false) + (peopleCount(r.k) === '1' ? ' matches' : ' match') + ' (\u03ba ' + kappaText(r.kappa) + ').';
      if (focus && !state.stale) restoreRiskFocus(focus);
      return;
    }
    el.riskFull.hidden = false;
    el.riskCompact.hidden = true;

    el.riskLevel.dataset.level = level;
    el.riskLevel.textContent = RISK_LEVELS[level] + ' risk';
    el.riskVerdict.dataset.verdict = verdict;
    el.riskVerdict.textContent = RISK_VERDICTS[verdict];

    const one = peopleCount(r.k) === '1';
    el.riskSummary.textContent =
      aboutPeople(r.k, true) + (one ? ' matches: probably only the patient' : ' match') +
      ' (\u03ba ' + kappaText(r.kappa) + '; threshold ' + kappaText(r.threshold) + ' for this audience).';

    el.riskBase.replaceChildren();
    if (r.base && typeof r.base.label === 'string' && r.base.label) {
      el.riskBase.appendChild(node('span', 'risk-label', 'Counted among: '));
      el.riskBase.appendChild(document.createTextNode(r.base.label + '.'));
    }

    const ins = r.insider;
    el.riskInsider.hidden = !(ins && typeof ins === 'object');
    el.riskInsider.replaceChildren();
    if (!el.riskInsider.hidden) {
      el.riskInsider.appendChild(node('span', 'risk-label', 'Someone who knows when you saw the patient: '));
      el.riskInsider.appendChild(
        document.createTextNode(
          (finite(ins.population) ? 'of the ' + ins.population.toLocaleString('en-GB') + ' or so patients you saw then, ' : '') +
            aboutPeople(ins.k, false) + (peopleCount(ins.k) === '1' ? ' matches' : ' match') +
            ' (\u03ba ' + kappaText(ins.kappa) + ', ' + levelWords(ins.level) + ').',
        ),
      );
    }

    // The suggested changes, each with a button when it comes with a concrete replacement.
    const suggestions = Array.isArray(r.suggestions) ? r.suggestions : [];
    const items = [];
    let applicable = 0;
    suggestions.forEach((c, index) => {
      const li = node('li', 'risk-suggestion');
      li.dataset.kind = c.kind || '';
      const adviceId = 'risk-advice-' + index;
      const advice = node('span', 'risk-advice', upperFirst(c.advice || (c.drop ? 'leave it out' : 'say it more generally')));
      advice.id = adviceId;
      li.appendChild(advice);
      if (hasSpan(c, text)) {
        const { start, end } = span(c);
        li.appendChild(document.createTextNode(' '));
        const where = node('span', 'risk-where');
        where.appendChild(node('span', 'visually-hidden', 'In the draft: '));
        where.appendChild(node('q', 'excerpt', text.slice(start, end)));
        li.appendChild(where);
      }
      const actions = node('div', 'risk-suggestion-actions');
      if (typeof c.replacement === 'string' && hasSpan(c, text)) {
        applicable++;
        const btn = node('button', 'btn btn-fix suggest-btn', c.replacement === '' ? 'Remove it' : 'Replace with \u201c' + c.replacement + '\u201d');
        btn.type = 'button';
        btn.dataset.index = String(index);
        btn.setAttribute('aria-describedby', adviceId);
        btn.addEventListener('click', () => applySuggestions([index]));
        actions.appendChild(btn);
      } else if (typeof c.replacement !== 'string') {
        actions.appendChild(node('span', 'fix-note', 'Rewrite it yourself.'));
      }
      if (actions.childNodes.length) li.appendChild(actions);
      items.push(li);
    });
    el.riskSuggestions.replaceChildren(...items);
    const after = r.after;
    const hasAfter = !!(after && typeof after === 'object');
    el.riskChanges.hidden = !items.length && !hasAfter;
    el.riskApplyAll.hidden = applicable < 2;
    el.riskApplyAll.textContent = 'Make all ' + applicable + ' changes';
    el.riskAfter.hidden = !hasAfter;
    el.riskAfter.textContent = hasAfter
      ? 'After these changes: ' + aboutPeople(after.k, false) + ', \u03ba ' + kappaText(after.kappa) + ' (' + levelWords(after.level) + ').'
      : '';

    const earlier = Array.isArray(r.earlier) ? r.earlier : [];
    el.riskEarlier.hidden = !earlier.length;
    el.riskEarlierList.replaceChildren(
      ...earlier.map((e) => {
        const li = node('li');
        li.appendChild(node('span', 'risk-label', 'Post of ' + (e.posted || 'an earlier date') + (Number.isInteger(e.id) ? ' (history #' + e.id + ')' : '')));
        const shared = Array.isArray(e.shared) && e.shared.length ? ': shares ' + e.shared.map(kindWords).join(', ') : '';
        li.appendChild(document.createTextNode(shared + (e.back_reference ? (shared ? '; ' : ': ') + 'this post refers back to it' : '') + '.'));
        return li;
      }),
    );

    // The first sentence says who matches and why; the rest is the arithmetic.
    const explanation = Array.isArray(r.explanation) ? r.explanation.filter((x) => typeof x === 'string') : [];
    el.riskLead.textContent = explanation.length ? explanation[0] : '';
    el.riskLead.hidden = !explanation.length;
    el.riskWorking.hidden = explanation.length < 2;
    el.riskExplanation.replaceChildren(...explanation.slice(1).map((x) => node('li', '', x)));

    if (focus && !state.stale) restoreRiskFocus(focus);
    else if (focus && mayMoveFocus() && !el.risk.contains(document.activeElement)) el.riskHeading.focus();
  }

  function renderVerdict(meta) {
    if (state.mode === 'file') return; // the banner speaks for the file; the text view redraws it on return
    const v = VERDICTS[state.verdict] ? state.verdict : 'caution';
    el.verdict.dataset.verdict = state.verdict === 'empty' ? 'empty' : v;
    el.verdictTitle.textContent = VERDICTS[v].title;
    el.verdictText.textContent = VERDICTS[v].text;
    if (meta !== undefined) el.verdictMeta.textContent = meta;
  }

  function renderError(message) {
    if (state.mode === 'file') return;
    el.verdict.dataset.verdict = 'error';
    el.verdictTitle.textContent = 'Could not check this draft';
    el.verdictText.textContent =
      'The local clinpost server did not give an answer: ' + message + '. Is `clinpost serve` still running?';
    el.verdictMeta.textContent = '';
  }

  function guidanceFor(id) {
    return state.guidance.get(id) || { id, source: '', summary: '' };
  }

  function evidenceText(evidence) {
    if (!Array.isArray(evidence) || !evidence.length) return '';
    const parts = evidence.map((e) => {
      if (typeof e === 'string') return e.replace(/-/g, ' ');
      if (!e || typeof e !== 'object') return '';
      const type = String(e.type || e.kind || '').replace(/-/g, ' ');
      const value = e.value !== undefined && e.value !== null ? String(e.value) : '';
      return value ? type + ' (' + value + ')' : type;
    });
    return 'Why the tool thinks so: ' + parts.filter(Boolean).join('; ') + '.';
  }

  function renderFindings() {
    const text = el.draft.value;
    const focusInfo = rememberFocus();
    // Keep open "More about" sections open across re-checks (keyed by rule).
    const openRules = new Set(
      Array.from(el.findings.querySelectorAll('details[open]')).map((d) => d.closest('.finding').dataset.rule),
    );
    const items = state.findings.map((f, index) => {
      const li = findingCard(f, index, text, openRules, 'finding-msg-');
      if (index === state.currentIndex) li.classList.add('is-current');
      return li;
    });
    el.findings.replaceChildren(...items);
    el.findingsEmpty.hidden = items.length > 0;
    el.findingsEmpty.textContent = state.verdict === 'empty' ? 'No draft yet.' : 'No findings.';
    el.findingsCount.textContent = items.length ? String(items.length) : '';

    if (state.mode !== 'file') updateLegendCounts(state.findings);
    el.applyAll.disabled = !state.findings.some((f) => f.fix && f.fix.applicability === 'safe' && hasSpan(f, text));
    el.safeText.textContent = state.fixed;
    el.copySafe.disabled = !state.fixed;
    restoreFocus(focusInfo);
  }

  function updateLegendCounts(findings) {
    const counts = {};
    for (const f of findings) counts[f.category] = (counts[f.category] || 0) + 1;
    for (const c of document.querySelectorAll('[data-count]')) {
      const n = counts[c.dataset.count] || 0;
      c.textContent = n ? '(' + n + ')' : '';
    }
  }

  // One finding's card: message, rule, confidence, why it matters, guidance, evidence; the
  // "show" and fix buttons when the finding has a span in `text` (text findings only).
  function findingCard(f, index, text, openRules, idPrefix) {
    const li = el.template.content.firstElementChild.cloneNode(true);
    const cat = categoryClass(f.category);
    li.classList.add(cat);
    li.dataset.index = String(index);
    li.dataset.rule = f.rule || '';
    li.dataset.kind = f.kind || '';
    li.dataset.category = f.category || '';
    const rule = state.rules.get(f.rule);

    const badge = li.querySelector('.badge');
    badge.classList.add(cat);
    badge.textContent = CATEGORY_LABELS[f.category] || f.category;
    const sev = li.querySelector('.severity');
    sev.dataset.severity = f.severity;
    sev.textContent = SEVERITY_LABELS[f.severity] || f.severity;
    li.querySelector('.confidence').textContent = (f.confidence || 'unknown') + ' confidence';
    li.querySelector('.rule-code').textContent = f.rule + (f.name ? ' ' + f.name : '');

    const msgId = idPrefix + index;
    const msg = li.querySelector('.finding-message');
    msg.id = msgId;
    msg.textContent = f.message;

    const excerpt = li.querySelector('.finding-excerpt');
    if (hasSpan(f, text)) {
      const { start, end } = span(f);
      li.querySelector('.excerpt').textContent = text.slice(start, end);
      const where = Number.isInteger(f.line) ? ' Line ' + f.line + (Number.isInteger(f.column) ? ', column ' + f.column : '') + '.' : '';
      if (where) excerpt.appendChild(node('span', 'where', where));
    } else {
      excerpt.hidden = true;
    }

    li.querySelector('.finding-why').textContent = rule && rule.summary ? 'Why it matters: ' + rule.summary : '';

    // Guidance: the sources on the card, the full citations with the rule's docs.
    const guidance = (f.guidance || []).map((id) => (typeof id === 'object' && id ? id : guidanceFor(id)));
    const citeLine = li.querySelector('.cites');
    if (guidance.length) {
      citeLine.appendChild(node('span', 'cites-label', guidance.length === 1 ? 'Guidance: ' : 'Guidance cited: '));
      citeLine.appendChild(document.createTextNode(guidance.map((g) => g.source || g.id).join('; ')));
    }
    const cites = li.querySelector('.citations');
    for (const g of guidance) {
      const c = node('li');
      c.appendChild(node('span', 'citation-source', g.source || 'Guidance'));
      c.appendChild(document.createTextNode(': ' + (g.summary || g.id) + ' '));
      c.appendChild(node('span', 'citation-id', g.id));
      cites.appendChild(c);
    }

    li.querySelector('.evidence').textContent = evidenceText(f.evidence);

    const details = li.querySelector('.rule-docs');
    details.querySelector('summary').textContent =
      'More about ' + f.rule + (rule && rule.name ? ' (' + rule.name + ')' : '') + (guidance.length ? ' and its guidance' : '');
    if (rule && rule.docs) details.querySelector('.docs').appendChild(renderMarkdown(rule.docs));
    else details.querySelector('.docs').remove();
    if (!guidance.length) {
      details.querySelector('.guidance-heading').remove();
      cites.remove();
    }
    if (!(rule && rule.docs) && !guidance.length) details.remove();
    else if (openRules.has(f.rule)) details.open = true;

    const actions = li.querySelector('.finding-actions');
    const show = li.querySelector('.show-btn');
    show.setAttribute('aria-describedby', msgId);
    if (!hasSpan(f, text)) show.remove();
    else show.addEventListener('click', () => selectFinding(index));
    if (f.fix && typeof f.fix.replacement === 'string') {
      if (f.fix.applicability === 'display-only') {
        actions.appendChild(node('span', 'fix-note', 'Suggestion: ' + (f.fix.replacement || 'remove it') + ' (rewrite it yourself)'));
      } else if (hasSpan(f, text)) {
        const btn = node('button', 'btn btn-fix fix-btn');
        btn.type = 'button';
        btn.dataset.index = String(index);
        const what = f.fix.replacement === '' ? 'Remove it' : 'Replace with \u201c' + f.fix.replacement + '\u201d';
        btn.textContent = what;
        btn.setAttribute('aria-describedby', msgId);
        btn.addEventListener('click', () => applyFix(index));
        actions.prepend(btn);
        if (f.fix.applicability === 'unsafe') {
          actions.appendChild(node('span', 'fix-note', 'Changes the meaning: read it after.'));
        }
      }
    }
    return li;
  }

  // Keep keyboard focus in a sensible place when the list is rebuilt.
  function rememberFocus() {
    const active = document.activeElement;
    if (!active || !el.findings.contains(active)) return null;
    const li = active.closest('.finding');
    const items = Array.from(el.findings.children);
    return {
      index: li ? items.indexOf(li) : 0,
      fix: active.classList.contains('fix-btn'),
      show: active.classList.contains('show-btn'),
    };
  }

  function restoreFocus(info) {
    if (!info) return;
    const items = Array.from(el.findings.children);
    if (!items.length) {
      el.findingsHeading.focus();
      return;
    }
    const li = items[Math.min(info.index, items.length - 1)];
    const target =
      (info.fix && (li.querySelector('.fix-btn') || firstFixButton())) ||
      (info.show && li.querySelector('.show-btn')) ||
      li.querySelector('button, summary');
    if (target) target.focus();
    else el.findingsHeading.focus();
  }

  function firstFixButton() {
    return el.findings.querySelector('.fix-btn');
  }

  function render(meta) {
    renderBackdrop();
    renderFindings();
    renderRisk();
    renderVerdict(meta);
  }

  // ---- checking -----------------------------------------------------------------------------
  // data-pending is set at once (a check is due or in flight); the visible "checking…" only
  // after a moment, so that fast answers do not make the banner flicker.
  let pendingTimer = 0;
  function setPending(on) {
    if (state.mode === 'file') return; // the file check owns the banner meanwhile
    el.verdict.dataset.pending = on ? 'true' : 'false';
    el.verdict.setAttribute('aria-busy', on ? 'true' : 'false');
    window.clearTimeout(pendingTimer);
    if (on) pendingTimer = window.setTimeout(() => el.verdict.classList.add('is-checking'), 300);
    else el.verdict.classList.remove('is-checking');
  }

  function scheduleCheck(delay) {
    window.clearTimeout(state.timer);
    state.timer = window.setTimeout(runCheck, delay === undefined ? DEBOUNCE_MS : delay);
  }

  async function runCheck() {
    window.clearTimeout(state.timer);
    const text = el.draft.value;
    if (state.controller) state.controller.abort();
    const seq = ++state.seq;
    if (!text.trim()) {
      state.controller = null;
      state.text = text;
      state.findings = [];
      state.risk = null;
      state.fixed = '';
      state.stale = false;
      state.verdict = 'empty';
      state.currentIndex = -1;
      setPending(false);
      render('');
      return;
    }
    const controller = new AbortController();
    state.controller = controller;
    setPending(true);
    const t0 = performance.now();
    try {
      const response = await fetch('/v1/check', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ text, context: readContext() }),
        signal: controller.signal,
      });
      if (seq !== state.seq) return; // a newer request was sent meanwhile
      if (!response.ok) throw new Error(await readError(response));
      const report = await response.json();
      if (seq !== state.seq) return;
      if (el.draft.value !== text) {
        // The person typed after this request left and no newer one has gone yet: wait for it.
        scheduleCheck();
        return;
      }
      const ms = Math.max(1, Math.round(performance.now() - t0));
      state.text = text;
      state.findings = Array.isArray(report.findings) ? report.findings : [];
      state.fixed = typeof report.fixed === 'string' ? report.fixed : '';
      state.verdict = typeof report.verdict === 'string' ? report.verdict : 'caution';
      state.risk = report.risk && typeof report.risk === 'object' && !Array.isArray(report.risk) ? report.risk : null;
      if (state.risk) state.risk.detailCount = Array.isArray(state.risk.details) ? state.risk.details.length : 0;
      state.stale = false;
      if (state.currentIndex >= state.findings.length) state.currentIndex = -1;
      setPending(false);
      render(summaryLine(ms));
      if (state.mode !== 'file' && state.verdict !== state.lastAnnounced) {
        state.lastAnnounced = state.verdict;
        const r = riskOf();
        const riskNote = r && r.verdict !== 'ok' && RISK_LEVELS[r.level] ? ' Risk of recognition: ' + levelWords(r.level) + '.' : '';
        announce((VERDICTS[state.verdict] ? VERDICTS[state.verdict].title + '. ' + plural(state.findings.length, 'finding') + '.' : state.verdict) + riskNote);
      }
    } catch (err) {
      if (err && err.name === 'AbortError') return;
      if (seq !== state.seq) return;
      setPending(false);
      state.risk = null;
      renderRisk();
      renderError(err && err.message ? err.message : String(err));
      if (state.mode !== 'file') {
        state.lastAnnounced = 'error';
        announce('Could not check the draft.');
      }
    } finally {
      if (state.controller === controller && seq === state.seq) state.controller = null;
    }
  }

  function summaryLine(ms) {
    const n = state.findings.length;
    const byCat = {};
    for (const f of state.findings) byCat[f.category] = (byCat[f.category] || 0) + 1;
    const parts = Object.keys(CATEGORY_LABELS)
      .filter((c) => byCat[c])
      .map((c) => byCat[c] + ' ' + CATEGORY_LABELS[c].toLowerCase());
    return (n ? plural(n, 'finding') + ': ' + parts.join(', ') : 'No findings') + '. Checked on this computer in ' + ms + ' ms.';
  }

  // Keep the highlights in place while the person types, before the new answer arrives: spans
  // wholly before the edit stay, spans wholly after it move, spans it touched go.
  function shiftFindings(oldText, newText) {
    let prefix = 0;
    const max = Math.min(oldText.length, newText.length);
    while (prefix < max && oldText.charCodeAt(prefix) === newText.charCodeAt(prefix)) prefix++;
    let suffix = 0;
    while (
      suffix < max - prefix &&
      oldText.charCodeAt(oldText.length - 1 - suffix) === newText.charCodeAt(newText.length - 1 - suffix)
    ) {
      suffix++;
    }
    const oldEditEnd = oldText.length - suffix;
    const delta = newText.length - oldText.length;
    const kept = [];
    let current = -1;
    state.findings.forEach((f, i) => {
      const { start, end } = span(f);
      if (start < 0 || end <= start) return; // no span: cannot be placed, re-check will bring it back
      // A span that the edit touches, even at its edge, may no longer be the same word.
      let g = null;
      if (end < prefix) g = f;
      else if (start > oldEditEnd) g = Object.assign({}, f, { utf16_start: start + delta, utf16_end: end + delta });
      if (g) {
        if (i === state.currentIndex) current = kept.length;
        kept.push(g);
      }
    });
    state.findings = kept;
    state.currentIndex = current;
    // The risk's details and suggestions move the same way.
    const r = riskOf();
    if (r) {
      const move = (list) =>
        (Array.isArray(list) ? list : []).flatMap((x) => {
          const { start, end } = span(x);
          if (start < 0 || end <= start) return [];
          if (end < prefix) return [x];
          if (start > oldEditEnd) return [Object.assign({}, x, { utf16_start: start + delta, utf16_end: end + delta })];
          return [];
        });
      state.risk = Object.assign({}, r, { details: move(r.details), suggestions: move(r.suggestions) });
    }
  }

  function onDraftInput() {
    const text = el.draft.value;
    shiftFindings(state.text, text);
    state.text = text;
    state.stale = true;
    setPending(true);
    renderBackdrop();
    renderFindings();
    renderRisk();
    scheduleCheck();
  }

  // ---- actions ------------------------------------------------------------------------------
  function replaceRange(start, end, replacement) {
    const text = el.draft.value;
    el.draft.value = text.slice(0, start) + replacement + text.slice(end);
    state.text = el.draft.value;
  }

  // A deletion takes the space before it, and a comma before it when punctuation follows, so
  // that leaving a detail out does not leave ", ," behind: the server's fixes do the same.
  function widenDeletion(text, s, e) {
    let start = s;
    while (start > 0 && text[start - 1] === ' ') start--;
    const next = text[e];
    if (start > 0 && text[start - 1] === ',' && [',', '.', ';', '!', '?'].includes(next)) {
      start--;
    } else if (start === 0 || text[start - 1] === '\n') {
      // At the start of a line: take the spaces after it instead.
      let end = e;
      while (end < text.length && text[end] === ' ') end++;
      return { start: s, end };
    }
    return { start, end: e };
  }

  // Replace [start, end) of the draft and shift the findings and risk spans now, so that the
  // highlights stay put until the re-check answers; spans the edit touches go. Returns where
  // the edit started (a deletion may start earlier than asked).
  function editDraft(start, end, replacement) {
    const text = el.draft.value;
    if (replacement === '') ({ start, end } = widenDeletion(text, start, end));
    const delta = replacement.length - (end - start);
    const move = (list) =>
      (Array.isArray(list) ? list : []).flatMap((g) => {
        const s = span(g);
        if (s.end <= start) return [g];
        if (s.start >= end) return [Object.assign({}, g, { utf16_start: s.start + delta, utf16_end: s.end + delta })];
        return [];
      });
    state.findings = move(state.findings);
    const r = riskOf();
    if (r) state.risk = Object.assign({}, r, { details: move(r.details), suggestions: move(r.suggestions) });
    replaceRange(start, end, replacement);
    return start;
  }

  function afterEdit(message) {
    state.currentIndex = -1;
    state.stale = true;
    renderBackdrop();
    renderFindings();
    renderRisk();
    announce(message);
    runCheck();
  }

  function applyFix(index) {
    const f = state.findings[index];
    const text = el.draft.value;
    if (!f || !f.fix || !hasSpan(f, text)) return;
    const { start, end } = span(f);
    const replacement = f.fix.replacement;
    editDraft(start, end, replacement);
    afterEdit('Replaced with ' + (replacement || 'nothing') + '. Checking again.');
  }

  // Apply the risk panel's suggested changes (those with a replacement), last first so that
  // the earlier spans stay valid.
  function applySuggestions(indices) {
    const r = riskOf();
    if (!r || !Array.isArray(r.suggestions)) return;
    const text = el.draft.value;
    const changes = indices
      .map((i) => r.suggestions[i])
      .filter((c) => c && typeof c.replacement === 'string' && hasSpan(c, text))
      .sort((a, b) => span(b).start - span(a).start);
    if (!changes.length) return;
    state.riskFocus = riskFocusInfo() || state.riskFocus;
    let limit = text.length;
    let n = 0;
    for (const c of changes) {
      const { start, end } = span(c);
      if (end > limit) continue; // overlaps a change already made
      limit = editDraft(start, end, c.replacement);
      n++;
    }
    afterEdit((n === 1 ? 'Made the change' : 'Made ' + n + ' changes') + ' to the draft. Checking again.');
  }

  async function applyAllSafe() {
    const text = el.draft.value;
    if (!text.trim()) return;
    el.applyAll.disabled = true;
    if (state.controller) state.controller.abort();
    setPending(true);
    const seq = ++state.seq;
    try {
      const response = await fetch('/v1/fix', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ text, context: readContext() }),
      });
      if (!response.ok) throw new Error(await readError(response));
      const result = await response.json();
      if (seq !== state.seq || el.draft.value !== text) {
        // The draft changed while the fixes were being made: do not overwrite it.
        announce('The draft changed; fixes not applied. Try again.');
        scheduleCheck(0);
        return;
      }
      if (typeof result.text === 'string') {
        el.draft.value = result.text;
        state.text = result.text;
        state.findings = [];
        const r = riskOf();
        if (r) state.risk = Object.assign({}, r, { details: [], suggestions: [] });
        state.currentIndex = -1;
        state.stale = true;
        renderBackdrop();
        renderRisk();
      }
      const n = Number.isInteger(result.applied) ? result.applied : 0;
      announce('Applied ' + plural(n, 'safe fix', 'safe fixes') + '. Checking again.');
      await runCheck();
      if (document.activeElement === document.body || !document.activeElement) el.findingsHeading.focus();
    } catch (err) {
      if (seq === state.seq) {
        setPending(false);
        renderError(err && err.message ? err.message : String(err));
        announce('Could not apply the fixes.');
      }
    } finally {
      renderFindings();
    }
  }

  function selectFinding(index) {
    const f = state.findings[index];
    if (!f || !hasSpan(f, el.draft.value)) return;
    const { start, end } = span(f);
    state.currentIndex = index;
    el.draft.focus({ preventScroll: true });
    el.draft.setSelectionRange(start, end);
    renderBackdrop();
    for (const li of el.findings.children) li.classList.toggle('is-current', li.dataset.index === String(index));
    const mark = el.backdrop.querySelector('mark[data-index="' + index + '"]');
    if (mark) mark.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  // When the caret rests inside a highlighted span, mark that finding in the list.
  function onCaretMove() {
    const pos = el.draft.selectionStart;
    const text = el.draft.value;
    let found = -1;
    state.findings.forEach((f, i) => {
      if (found < 0 && hasSpan(f, text)) {
        const { start, end } = span(f);
        if (pos >= start && pos <= end) found = i;
      }
    });
    if (found === state.currentIndex) return;
    state.currentIndex = found;
    for (const m of el.backdrop.querySelectorAll('mark')) m.classList.toggle('is-current', m.dataset.index === String(found));
    for (const li of el.findings.children) li.classList.toggle('is-current', li.dataset.index === String(found));
  }

  // The marks sit under the textarea, so show their title as the textarea's tooltip on hover.
  function onDraftHover(event) {
    let title = '';
    for (const n of document.elementsFromPoint(event.clientX, event.clientY)) {
      if (n.tagName === 'MARK' && el.backdrop.contains(n)) {
        title = n.title;
        break;
      }
    }
    if (el.draft.title !== title) el.draft.title = title;
  }

  async function copySafe() {
    const text = state.fixed;
    if (!text) return;
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        ok = true;
      }
    } catch (_) {
      ok = false;
    }
    if (!ok) {
      const ta = node('textarea', 'visually-hidden');
      ta.value = text;
      ta.setAttribute('readonly', '');
      document.body.appendChild(ta);
      ta.select();
      try {
        ok = document.execCommand('copy');
      } catch (_) {
        ok = false;
      }
      ta.remove();
    }
    const label = ok ? 'Copied' : 'Copy failed: select the text and copy it';
    el.copySafe.textContent = label;
    announce(ok ? 'Safe version copied to the clipboard.' : 'Could not copy. Select the safe version and copy it yourself.');
    if (!ok) {
      const range = document.createRange();
      range.selectNodeContents(el.safeText);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    }
    window.setTimeout(() => {
      el.copySafe.textContent = 'Copy safe version';
    }, 2000);
  }

  function onFindingsKeydown(event) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Home' && event.key !== 'End') return;
    const items = Array.from(el.findings.children);
    if (!items.length) return;
    const li = document.activeElement && document.activeElement.closest ? document.activeElement.closest('.finding') : null;
    let i = li ? items.indexOf(li) : -1;
    if (event.key === 'ArrowDown') i = Math.min(items.length - 1, i + 1);
    else if (event.key === 'ArrowUp') i = Math.max(0, i - 1);
    else if (event.key === 'Home') i = 0;
    else i = items.length - 1;
    const target = items[i].querySelector('button, summary');
    if (target) {
      event.preventDefault();
      target.focus();
      target.scrollIntoView({ block: 'nearest' });
    }
  }

  // ---- files: photos, screenshots and documents ------------------------------------------------
  // A dropped or picked file goes to POST /v1/file (multipart) with the same context as the
  // draft. The picture is shown from an object URL of the person's own file (never sent anywhere
  // but this server); the boxes over it are positioned in percent of the picture's natural size,
  // so they stay on the words at any width. Nothing of the file is logged or stored.
  const FILE_LIMIT = 32 * 1024 * 1024;
  const FILE_VERDICTS = {
    ok: {
      title: 'OK to post',
      text: 'Nothing found in this file that could identify a patient. Look at it once more as the patient would.',
    },
    caution: {
      title: 'Caution: review before posting',
      text: 'Something in this file could narrow down who this is, or could not be checked. Look at each finding below.',
    },
    'do-not-post': {
      title: 'Do not post',
      text: 'This file could identify a patient. Do not post it as it is.',
    },
  };
  const FORMAT_WORDS = {
    JPEG: 'JPEG picture',
    PNG: 'PNG picture',
    WebP: 'WebP picture',
    HEIC: 'HEIC picture',
    DOCX: 'Word document (DOCX)',
    DICOM: 'DICOM file',
  };
  // Document and metadata parts, by the first segment of a finding's `field`.
  const PART_LABELS = {
    core: 'Document properties',
    app: 'Document properties',
    custom: 'Document properties',
    comment: 'Comments',
    comments: 'Comments',
    revision: 'Tracked changes',
    deleted: 'Tracked changes',
    people: 'Reviewers',
    'alt-text': 'Alternative text of pictures',
    body: 'Body text',
    document: 'Body text',
    header: 'Headers',
    headers: 'Headers',
    footer: 'Footers',
    footers: 'Footers',
    footnotes: 'Footnotes',
    endnotes: 'Endnotes',
    EXIF: 'EXIF metadata',
    XMP: 'XMP metadata',
    IPTC: 'IPTC metadata',
    ICC: 'Colour profile',
    PNG: 'PNG text chunks',
    WebP: 'WebP metadata',
    HEIC: 'HEIC metadata',
  };

  const files = {
    file: null, // the File being shown
    url: '', // its object URL (for the picture)
    result: null, // the server's answer
    controller: null,
    seq: 0,
    timer: 0,
    current: -1, // index of the finding picked on the picture or in the list
    dragDepth: 0,
    pictureFailed: false, // the browser could not show the picture
  };

  function fileEl(id) {
    return document.getElementById(id);
  }

  Object.assign(el, {
    paneEdit: fileEl('pane-edit'),
    textView: fileEl('text-view'),
    fileView: fileEl('file-view'),
    textResults: fileEl('text-results'),
    fileResults: fileEl('file-results'),
    pickFile: fileEl('pick-file'),
    pickAnother: fileEl('pick-another'),
    backToText: fileEl('back-to-text'),
    fileInput: fileEl('file-input'),
    fileHeading: fileEl('file-heading'),
    fileName: fileEl('file-name'),
    fileStatus: fileEl('file-status'),
    fileStatusText: fileEl('file-status-text'),
    picture: fileEl('picture'),
    pictureFrame: fileEl('picture-frame'),
    pictureImg: fileEl('picture-img'),
    pictureBoxes: fileEl('picture-boxes'),
    pictureCaption: fileEl('picture-caption'),
    docCard: fileEl('doc-card'),
    docText: fileEl('doc-text'),
    dropOverlay: fileEl('drop-overlay'),
    fileWarnings: fileEl('file-warnings'),
    clean: fileEl('clean'),
    cleanWhat: fileEl('clean-what'),
    cleanNote: fileEl('clean-note'),
    downloadClean: fileEl('download-clean'),
    checkClean: fileEl('check-clean'),
    fileFindings: fileEl('file-findings'),
    fileFindingsHeading: fileEl('file-findings-heading'),
    fileFindingsCount: fileEl('file-findings-count'),
    fileFindingsHelp: fileEl('file-findings-help'),
    fileFindingsEmpty: fileEl('file-findings-empty'),
  });

  function sizeWords(bytes) {
    if (bytes < 1024) return plural(bytes, 'byte');
    if (bytes < 1024 * 1024) return Math.max(1, Math.round(bytes / 1024)) + ' KB';
    return (bytes / (1024 * 1024)).toFixed(1) + ' MB';
  }

  // The picture may be shown before the server answers when the file says it is one; the
  // server decides by content in the end.
  function looksLikePicture(file) {
    return /^image\//.test(file.type || '') || /\.(jpe?g|png|webp|heic|heif|gif|bmp)$/i.test(file.name || '');
  }

  function regionOf(f) {
    const r = f && f.region;
    if (!r || typeof r !== 'object') return null;
    const ok = ['x', 'y', 'w', 'h'].every((k) => typeof r[k] === 'number' && Number.isFinite(r[k]));
    return ok && r.w > 0 && r.h > 0 ? r : null;
  }

  function setView(mode) {
    state.mode = mode;
    const file = mode === 'file';
    el.textView.hidden = file;
    el.fileView.hidden = !file;
    el.textResults.hidden = file;
    el.fileResults.hidden = !file;
    document.body.dataset.view = mode;
    el.paneEdit.setAttribute('aria-labelledby', file ? 'file-heading' : 'draft-heading');
  }

  function openPicker() {
    el.fileInput.value = '';
    el.fileInput.click();
  }

  function onFileInput() {
    const list = el.fileInput.files;
    if (list && list.length) chooseFile(list[0], list.length);
    el.fileInput.value = ''; // the same file can be picked again
  }

  function chooseFile(file, count) {
    window.clearTimeout(files.timer);
    if (files.controller) files.controller.abort();
    files.controller = null;
    if (files.url) URL.revokeObjectURL(files.url);
    files.url = '';
    files.file = file;
    files.result = null;
    files.current = -1;
    files.pictureFailed = false;
    el.pictureFrame.hidden = false;
    setView('file');
    el.fileName.replaceChildren(node('span', 'file-name-text', file.name || 'Unnamed file'));
    el.fileName.appendChild(document.createTextNode(' \u00b7 ' + sizeWords(file.size)));
    if (count > 1) el.fileName.appendChild(document.createTextNode(' \u00b7 the first of ' + count + ' files'));
    el.pictureBoxes.replaceChildren();
    el.pictureCaption.textContent = '';
    el.picture.hidden = true;
    el.docCard.hidden = true;
    el.pictureImg.removeAttribute('src');
    el.pictureImg.alt = 'The picture you chose';
    if (looksLikePicture(file)) {
      files.url = URL.createObjectURL(file);
      el.pictureImg.src = files.url;
      el.picture.hidden = false;
    }
    el.fileHeading.focus({ preventScroll: false });
    checkFile();
  }

  function resetFileResults() {
    el.fileWarnings.replaceChildren();
    el.fileWarnings.hidden = true;
    el.clean.hidden = true;
    el.fileFindings.replaceChildren();
    el.fileFindingsCount.textContent = '';
    el.fileFindingsEmpty.hidden = true;
    el.pictureBoxes.replaceChildren();
    updateLegendCounts([]);
  }

  function setFilePending(on, message) {
    el.verdict.dataset.pending = on ? 'true' : 'false';
    el.verdict.setAttribute('aria-busy', on ? 'true' : 'false');
    el.verdict.classList.remove('is-checking');
    el.fileStatus.hidden = !on;
    el.fileView.setAttribute('aria-busy', on ? 'true' : 'false');
    if (on) el.fileStatusText.textContent = message;
  }

  function scheduleFileCheck(delay) {
    window.clearTimeout(files.timer);
    files.timer = window.setTimeout(checkFile, delay);
  }

  async function checkFile() {
    window.clearTimeout(files.timer);
    const file = files.file;
    if (!file || state.mode !== 'file') return;
    if (files.controller) files.controller.abort();
    const seq = ++files.seq;
    resetFileResults();
    const picture = looksLikePicture(file);
    el.verdict.dataset.verdict = 'empty';
    el.verdictTitle.textContent = 'Checking the file\u2026';
    el.verdictText.textContent = 'The clinpost program on this computer is reading it.';
    el.verdictMeta.textContent = '';
    setFilePending(true, 'Checking ' + (file.name || 'the file') + '\u2026' + (picture ? ' Reading the text in a picture can take a few seconds.' : ''));
    announce('Checking the file.');
    if (file.size > FILE_LIMIT) {
      showFileError(413, null);
      return;
    }
    const controller = new AbortController();
    files.controller = controller;
    const body = new FormData();
    body.append('file', file, file.name || 'file');
    body.append('context', JSON.stringify(readContext()));
    const t0 = performance.now();
    try {
      const response = await fetch('/v1/file', {
        method: 'POST',
        headers: { accept: 'application/json' },
        body,
        signal: controller.signal,
      });
      if (seq !== files.seq) return;
      if (!response.ok) {
        let error = null;
        try {
          const b = await response.json();
          if (b && b.error && typeof b.error === 'object') error = b.error;
        } catch (_) {
          /* not JSON */
        }
        if (seq !== files.seq) return;
        showFileError(response.status, error);
        return;
      }
      const result = await response.json();
      if (seq !== files.seq) return;
      files.result = result && typeof result === 'object' ? result : {};
      renderFileResult(Math.max(1, Math.round(performance.now() - t0)));
    } catch (err) {
      if (err && err.name === 'AbortError') return;
      if (seq !== files.seq) return;
      showFileError(0, null);
    } finally {
      if (files.controller === controller) files.controller = null;
    }
  }

  function showFileError(status, error) {
    const message = error && typeof error.message === 'string' ? error.message : '';
    let title = 'Could not check this file';
    let text;
    if (status === 415) {
      title = 'Cannot check this kind of file';
      text = 'clinpost reads JPEG, PNG, WebP, HEIC, DOCX and DICOM files, and this file is none of these.';
    } else if (status === 413) {
      title = 'This file is too large';
      text = 'clinpost checks files up to 32 MB; this one is ' + sizeWords(files.file ? files.file.size : 0) + '.';
    } else if (status === 422) {
      title = 'Could not read this file';
      text = 'It is damaged, cut short or too large to open' + (message ? ': ' + message : '.');
    } else if (status === 408) {
      text = 'Checking it took too long' + (message ? ': ' + message : '.') + ' Try a smaller file.';
    } else if (status === 404) {
      text = 'This clinpost server cannot check files. Update clinpost and start `clinpost serve` again.';
    } else if (status === 0) {
      text = 'The local clinpost server did not answer. Is `clinpost serve` still running?';
    } else {
      text = (message || 'the server answered ' + status) + '.';
    }
    setFilePending(false);
    el.picture.hidden = true;
    el.docCard.hidden = true;
    el.fileFindingsEmpty.hidden = true;
    el.fileResults.hidden = true;
    el.verdict.dataset.verdict = 'error';
    el.verdict.dataset.status = String(status);
    el.verdictTitle.textContent = title;
    el.verdictText.textContent = text;
    el.verdictMeta.textContent = '';
    announce(title + '. ' + text);
  }

  function groupOf(f) {
    if (regionOf(f)) return { key: 'picture', label: 'Text in the picture' };
    const field = typeof f.field === 'string' ? f.field.trim() : '';
    if (!field) return { key: 'file', label: 'The file as a whole' };
    const parts = field.split(':');
    let i = 0;
    if (parts[0] === 'DICOM') {
      return { key: 'dicom', label: 'DICOM header' };
    }
    if (parts[0] === 'DOCX') i = 1;
    const head = parts[i] || field;
    if (head.includes('/')) {
      // A part of the DOCX package: a picture inside it, or an XML part.
      const name = head.split('/').pop();
      if (/\/media\//.test(head) || /\.(jpe?g|png|gif|webp|heic|tiff?|bmp|emf|wmf)$/i.test(head)) {
        return { key: 'part:' + head, label: 'Picture inside the document (' + name + ')' };
      }
      const base = name.replace(/[0-9]*\.xml$/i, '');
      return { key: 'part:' + base, label: PART_LABELS[base] || 'Part ' + head };
    }
    if (parts[i] === 'JPEG' && parts[i + 1] === 'trailer') return { key: 'trailer', label: 'Data stored after the end of the picture' };
    if (parts[i] === 'JPEG' && parts[i + 1] === 'COM') return { key: 'jpeg-comment', label: 'JPEG comment' };
    const label = PART_LABELS[head] || head;
    return { key: 'label:' + label, label };
  }

  function fileSummary(result, ms) {
    const findings = Array.isArray(result.findings) ? result.findings : [];
    const byCat = {};
    for (const f of findings) byCat[f.category] = (byCat[f.category] || 0) + 1;
    const parts = Object.keys(CATEGORY_LABELS)
      .filter((c) => byCat[c])
      .map((c) => byCat[c] + ' ' + CATEGORY_LABELS[c].toLowerCase());
    const what = FORMAT_WORDS[result.format] || (result.kind === 'document' ? 'Document' : 'Picture');
    const size = Number.isInteger(result.width) && Number.isInteger(result.height) ? ', ' + result.width + ' \u00d7 ' + result.height + ' pixels' : '';
    return what + size + '. ' + (findings.length ? plural(findings.length, 'finding') + ': ' + parts.join(', ') : 'No findings') + '. Checked on this computer in ' + ms + ' ms.';
  }

  function renderFileResult(ms) {
    const r = files.result;
    const findings = Array.isArray(r.findings) ? r.findings.filter((f) => f && typeof f === 'object') : [];
    r.findings = findings;
    const verdict = FILE_VERDICTS[r.verdict] ? r.verdict : 'caution';
    setFilePending(false);
    el.fileResults.hidden = false;
    delete el.verdict.dataset.status;
    el.verdict.dataset.verdict = verdict;
    el.verdictTitle.textContent = FILE_VERDICTS[verdict].title;
    el.verdictText.textContent = FILE_VERDICTS[verdict].text + (verdict !== 'ok' && r.clean ? ' The clean copy below is safer, but read it before you post it.' : '');
    el.verdictMeta.textContent = fileSummary(r, ms);

    // Warnings: what could not be checked.
    const warnings = Array.isArray(r.warnings) ? r.warnings.filter((w) => typeof w === 'string' && w) : [];
    el.fileWarnings.replaceChildren(...warnings.map((w) => node('li', 'file-warning', upperFirst(w) + (/[.!?]$/.test(w) ? '' : '.'))));
    el.fileWarnings.hidden = !warnings.length;

    // The picture, or what the document is.
    const isImage = r.kind === 'image';
    if (isImage && files.file) {
      if (!files.url) {
        files.url = URL.createObjectURL(files.file);
        el.pictureImg.src = files.url;
      }
      el.picture.hidden = false;
      el.docCard.hidden = true;
      updatePicture();
    } else {
      el.picture.hidden = true;
      if (files.url) {
        el.pictureImg.removeAttribute('src');
        URL.revokeObjectURL(files.url);
        files.url = '';
      }
      el.docCard.hidden = false;
      const groups = new Set(findings.map((f) => groupOf(f).key));
      el.docText.textContent =
        (FORMAT_WORDS[r.format] || 'Document') + ': ' +
        (findings.length ? plural(findings.length, 'finding') + ' in ' + plural(groups.size, 'part') + ' of the file, listed with the part each is in.' : 'nothing found.');
    }

    renderClean(r, findings);
    renderFileFindings(findings);
    renderBoxes();
    updateLegendCounts(findings);
    const boxes = findings.filter(regionOf).length;
    announce(
      FILE_VERDICTS[verdict].title + '. ' + plural(findings.length, 'finding') + ' in the file' +
        (boxes ? ', ' + plural(boxes, 'box', 'boxes') + ' on the picture' : '') +
        (warnings.length ? '. ' + plural(warnings.length, 'warning') : '') +
        (r.clean ? '. A clean copy is ready to download.' : '.'),
    );
  }

  function cleanWhat(r, findings) {
    if (r.kind === 'document') {
      if (r.format === 'DICOM') return 'anonymised: the identifying DICOM tags removed or emptied, new UIDs, private tags dropped.';
      return 'comments removed, tracked changes accepted, properties blanked. Text in the document itself that names a patient still needs your edit.';
    }
    if (findings.some(regionOf)) return 'a new PNG with black boxes over what was found and no metadata.';
    return 'the same picture without its metadata.';
  }

  function renderClean(r, findings) {
    const clean = r.clean && typeof r.clean === 'object' && typeof r.clean.base64 === 'string' ? r.clean : null;
    el.clean.hidden = false;
    el.clean.dataset.available = clean ? 'true' : 'false';
    el.downloadClean.hidden = !clean;
    el.checkClean.hidden = !clean;
    if (clean) {
      el.cleanWhat.textContent = 'The clean copy is ' + cleanWhat(r, findings);
      el.cleanNote.textContent = 'It is named ' + cleanName(files.file ? files.file.name : '', clean.extension) +
        '. The name comes from your file: rename it if the name says who the patient is.';
    } else {
      el.cleanWhat.textContent = r.format === 'HEIC'
        ? 'clinpost cannot write a clean copy of a HEIC picture. Save it as JPEG or PNG (most phones can), then check that file.'
        : 'clinpost cannot write a clean copy of this file.';
      el.cleanNote.textContent = '';
    }
  }

  function cleanName(original, extension) {
    let base = String(original || '').split(/[\\/]/).pop();
    base = base.replace(/\.[^.]*$/, '').replace(/[\u0000-\u001f<>:"|?*]+/g, '_').trim();
    const ext = String(extension || 'bin').replace(/[^A-Za-z0-9]/g, '') || 'bin';
    return (base || 'file') + '-clean.' + ext;
  }

  function cleanBytes() {
    const clean = files.result && files.result.clean;
    if (!clean || typeof clean.base64 !== 'string') return null;
    const bin = window.atob(clean.base64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return { bytes, type: typeof clean.media_type === 'string' ? clean.media_type : 'application/octet-stream', name: cleanName(files.file ? files.file.name : '', clean.extension) };
  }

  function downloadClean() {
    let c;
    try {
      c = cleanBytes();
    } catch (_) {
      c = null;
    }
    if (!c) {
      announce('The clean copy could not be made.');
      return;
    }
    const url = URL.createObjectURL(new Blob([c.bytes], { type: c.type }));
    const a = document.createElement('a');
    a.href = url;
    a.download = c.name;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 30000);
    announce('Downloading the clean copy, ' + c.name + '.');
  }

  function checkCleanCopy() {
    const c = cleanBytes();
    if (!c) return;
    chooseFile(new File([c.bytes], c.name, { type: c.type }), 1);
  }

  function renderFileFindings(findings) {
    const groups = new Map();
    let box = 0;
    findings.forEach((f, index) => {
      const g = groupOf(f);
      if (!groups.has(g.key)) groups.set(g.key, { label: g.label, items: [] });
      groups.get(g.key).items.push({ f, index, box: regionOf(f) ? ++box : 0 });
    });
    // Text in the picture first (the boxes are numbered in that order), then as found.
    const ordered = Array.from(groups.entries()).sort((a, b) => (a[0] === 'picture' ? -1 : b[0] === 'picture' ? 1 : 0));
    const sections = ordered.map(([key, g], gi) => {
      const section = node('section', 'finding-group');
      section.dataset.group = key;
      const hid = 'file-group-' + gi;
      const h = node('h3', 'group-heading', g.label + ' ');
      h.id = hid;
      h.appendChild(node('span', 'count', String(g.items.length)));
      section.setAttribute('aria-labelledby', hid);
      const ol = node('ol', 'findings');
      ol.setAttribute('aria-labelledby', hid);
      for (const { f, index, box: n } of g.items) ol.appendChild(fileFindingCard(f, index, n));
      section.append(h, ol);
      return section;
    });
    el.fileFindings.replaceChildren(...sections);
    el.fileFindingsCount.textContent = findings.length ? String(findings.length) : '';
    el.fileFindingsEmpty.hidden = findings.length > 0;
    el.fileFindingsHelp.hidden = !findings.length;
    el.fileFindingsHelp.textContent = box
      ? 'Numbered findings are drawn on the picture. The up and down arrow keys move between findings.'
      : 'The up and down arrow keys move between findings.';
  }

  function fileFindingCard(f, index, box) {
    const li = findingCard(f, index, '', new Set(), 'file-finding-msg-');
    li.id = 'file-finding-' + index;
    li.tabIndex = -1;
    const field = typeof f.field === 'string' ? f.field : '';
    const where = li.querySelector('.finding-field');
    if (field) {
      where.hidden = false;
      where.querySelector('.field-name').textContent = field;
    } else if (box) {
      where.hidden = false;
      where.querySelector('.field-label').textContent = 'Where: ';
      where.querySelector('.field-name').replaceWith(node('span', 'field-box', 'box ' + box + ' on the picture'));
    } else {
      where.remove();
    }
    if (box) {
      li.dataset.box = String(box);
      const n = node('span', 'box-number', String(box));
      n.setAttribute('aria-label', 'Box ' + box + ':');
      li.querySelector('.finding-head').prepend(n);
      const btn = node('button', 'btn btn-quiet show-box-btn', 'Show on the picture');
      btn.type = 'button';
      btn.setAttribute('aria-describedby', 'file-finding-msg-' + index);
      btn.addEventListener('click', () => pickFinding(index, 'box'));
      li.querySelector('.finding-actions').prepend(btn);
    }
    const actions = li.querySelector('.finding-actions');
    if (!actions.children.length) actions.remove();
    li.addEventListener('mouseenter', () => markCurrent(index));
    return li;
  }

  function pct(x) {
    return Math.min(100, Math.max(0, x * 100)).toFixed(4) + '%';
  }

  // The picture's size in the coordinates of the regions: as the browser decoded it (turned
  // upright, as the server does before reading it), or as the server measured it.
  function naturalSize() {
    const img = el.pictureImg;
    if (img.complete && img.naturalWidth > 0 && img.naturalHeight > 0) return { w: img.naturalWidth, h: img.naturalHeight };
    const r = files.result;
    if (r && r.width > 0 && r.height > 0) return { w: r.width, h: r.height };
    return null;
  }

  function renderBoxes() {
    const r = files.result;
    const size = naturalSize();
    const boxes = [];
    if (r && r.kind === 'image' && size && !el.picture.hidden && !files.pictureFailed) {
      let n = 0;
      (r.findings || []).forEach((f, index) => {
        const g = regionOf(f);
        if (!g) return;
        n++;
        const x0 = Math.max(0, Math.min(g.x, size.w));
        const y0 = Math.max(0, Math.min(g.y, size.h));
        const x1 = Math.max(x0, Math.min(g.x + g.w, size.w));
        const y1 = Math.max(y0, Math.min(g.y + g.h, size.h));
        const b = node('button', 'region-box ' + categoryClass(f.category));
        b.type = 'button';
        b.dataset.index = String(index);
        b.dataset.box = String(n);
        b.dataset.kind = f.kind || '';
        b.dataset.category = f.category || '';
        b.style.left = pct(x0 / size.w);
        b.style.top = pct(y0 / size.h);
        b.style.width = pct((x1 - x0) / size.w);
        b.style.height = pct((y1 - y0) / size.h);
        b.title = n + '. ' + markTitle(f);
        b.setAttribute('aria-label', 'Box ' + n + ': ' + (CATEGORY_LABELS[f.category] || f.category) + ', ' + f.message + '. Go to the finding.');
        b.setAttribute('aria-controls', 'file-finding-' + index);
        if (index === files.current) b.classList.add('is-current');
        b.appendChild(node('span', 'region-number', String(n)));
        b.firstChild.setAttribute('aria-hidden', 'true');
        b.addEventListener('click', () => pickFinding(index, 'card'));
        b.addEventListener('mouseenter', () => markCurrent(index));
        boxes.push(b);
      });
      el.pictureImg.alt = n
        ? 'The picture you chose, with ' + plural(n, 'numbered box', 'numbered boxes') + ' over what was found'
        : 'The picture you chose';
      el.pictureCaption.textContent = n
        ? 'Each box marks text that could identify a patient; select a box to read about it.'
        : '';
    }
    el.pictureBoxes.replaceChildren(...boxes);
  }

  function markCurrent(index) {
    files.current = index;
    for (const b of el.pictureBoxes.children) b.classList.toggle('is-current', b.dataset.index === String(index));
    for (const li of el.fileFindings.querySelectorAll('.finding')) li.classList.toggle('is-current', li.dataset.index === String(index));
  }

  // From a box to its card ('card'), or from a card to its box ('box').
  function pickFinding(index, to) {
    markCurrent(index);
    const target = to === 'box'
      ? el.pictureBoxes.querySelector('.region-box[data-index="' + index + '"]')
      : fileEl('file-finding-' + index);
    if (!target) return;
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  // The browser may not show every picture the server reads (HEIC): say so instead of showing
  // a broken image. Before the answer, a file that fails to show is simply not shown.
  function updatePicture() {
    const r = files.result;
    if (r && r.kind !== 'image') {
      el.picture.hidden = true;
      return;
    }
    el.pictureFrame.hidden = files.pictureFailed;
    if (files.pictureFailed) {
      el.picture.hidden = !r;
      if (r) el.pictureCaption.textContent = 'This browser cannot show ' + (r.format ? r.format + ' pictures' : 'this picture') + '; the findings still apply.';
    }
  }

  function onPictureError() {
    if (!el.pictureImg.getAttribute('src')) return;
    files.pictureFailed = true;
    updatePicture();
  }

  function onPictureLoad() {
    files.pictureFailed = false;
    updatePicture();
    if (files.result) renderBoxes();
  }

  function backToText() {
    window.clearTimeout(files.timer);
    if (files.controller) files.controller.abort();
    files.controller = null;
    files.seq++;
    files.file = null;
    files.result = null;
    if (files.url) URL.revokeObjectURL(files.url);
    files.url = '';
    el.pictureImg.removeAttribute('src');
    resetFileResults();
    el.fileStatus.hidden = true;
    delete el.verdict.dataset.status;
    setView('text');
    state.lastAnnounced = '';
    render('');
    setPending(false);
    if (el.draft.value.trim()) runCheck();
    el.draft.focus();
    announce('Back to the text draft.');
  }

  function hasFiles(event) {
    const types = event.dataTransfer && event.dataTransfer.types;
    return !!types && Array.from(types).includes('Files');
  }

  // Files may be dropped anywhere on the page; the drop zone over the draft (or the file view)
  // shows where. Text dragged into the draft is left to the browser.
  function onDragEnter(event) {
    if (!hasFiles(event)) return;
    event.preventDefault();
    files.dragDepth++;
    el.dropOverlay.hidden = false;
  }

  function onDragOver(event) {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    el.dropOverlay.hidden = false;
  }

  function onDragLeave(event) {
    if (!hasFiles(event)) return;
    files.dragDepth = Math.max(0, files.dragDepth - 1);
    if (!files.dragDepth) el.dropOverlay.hidden = true;
  }

  function onDrop(event) {
    if (!hasFiles(event)) return;
    event.preventDefault();
    files.dragDepth = 0;
    el.dropOverlay.hidden = true;
    const list = event.dataTransfer.files;
    if (list && list.length) chooseFile(list[0], list.length);
  }

  function onFileFindingsKeydown(event) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Home' && event.key !== 'End') return;
    const items = Array.from(el.fileFindings.querySelectorAll('.finding'));
    if (!items.length) return;
    const li = document.activeElement && document.activeElement.closest ? document.activeElement.closest('.finding') : null;
    let i = li ? items.indexOf(li) : -1;
    if (event.key === 'ArrowDown') i = Math.min(items.length - 1, i + 1);
    else if (event.key === 'ArrowUp') i = Math.max(0, i - 1);
    else if (event.key === 'Home') i = 0;
    else i = items.length - 1;
    event.preventDefault();
    items[i].focus();
    items[i].scrollIntoView({ block: 'nearest' });
    markCurrent(Number(items[i].dataset.index));
  }

  function initFiles() {
    el.pickFile.addEventListener('click', openPicker);
    el.pickAnother.addEventListener('click', openPicker);
    el.fileInput.addEventListener('change', onFileInput);
    el.backToText.addEventListener('click', backToText);
    el.downloadClean.addEventListener('click', downloadClean);
    el.checkClean.addEventListener('click', checkCleanCopy);
    el.pictureImg.addEventListener('load', onPictureLoad);
    el.pictureImg.addEventListener('error', onPictureError);
    el.fileFindings.addEventListener('keydown', onFileFindingsKeydown);
    document.addEventListener('dragenter', onDragEnter);
    document.addEventListener('dragover', onDragOver);
    document.addEventListener('dragleave', onDragLeave);
    document.addEventListener('drop', onDrop);
    document.body.dataset.view = 'text';
  }

  // ---- wiring -------------------------------------------------------------------------------
  function onContextChange() {
    syncContextControls();
    saveContext();
    if (state.mode === 'file' && files.file) scheduleFileCheck(600); // the context changes the advice on files too
    if (el.draft.value.trim()) {
      setPending(true);
      scheduleCheck();
    }
  }

  function init() {
    loadContext();
    syncContextControls();
    el.draft.addEventListener('input', onDraftInput);
    el.draft.addEventListener('keyup', onCaretMove);
    el.draft.addEventListener('click', onCaretMove);
    el.draft.addEventListener('mousemove', onDraftHover);
    el.author.addEventListener('input', onContextChange);
    el.audience.addEventListener('change', onContextChange);
    el.members.addEventListener('input', onContextChange);
    for (const r of document.querySelectorAll('input[name="account"]')) r.addEventListener('change', onContextChange);
    el.role.addEventListener('change', onContextChange);
    el.practice.addEventListener('input', onContextChange);
    el.postcode.addEventListener('input', onContextChange);
    el.listSize.addEventListener('input', onContextChange);
    el.riskApplyAll.addEventListener('click', () => {
      const r = riskOf();
      if (r && Array.isArray(r.suggestions)) applySuggestions(r.suggestions.map((_, i) => i));
    });
    document.getElementById('context-form').addEventListener('submit', (e) => e.preventDefault());
    el.applyAll.addEventListener('click', applyAllSafe);
    el.copySafe.addEventListener('click', copySafe);
    el.findings.addEventListener('keydown', onFindingsKeydown);
    el.example.addEventListener('click', () => {
      el.draft.value = EXAMPLE;
      onDraftInput();
      el.draft.focus();
      runCheck();
    });
    initFiles();
    state.text = el.draft.value; // a reload may keep the textarea's text
    render('');
    if (el.draft.value.trim()) runCheck();
    loadRules();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
