// cinepress search, in the reader's browser. Two jobs, both progressive enhancements:
//  1. suggestions under every search box (the server's /search/suggest.json when there is a
//     server; the static index otherwise);
//  2. on the search page of a static copy of the site (no server: the page says so by having no
//     data-live attribute), the search itself, from the static index in /search/index/: a
//     manifest, then only the chunks of words the query needs and the fragments of the results
//     shown (the approach of Pagefind). The chunks and the fragments (*.json.gz) are gzipped:
//     they are unpacked here with DecompressionStream, unless the host already did that.
// Words are made exactly as the server makes them (src/content/search.cc): letters, digits and
// marks; lower case; accents removed; ł ø æ œ ß þ đ ı spelled in ASCII; Chinese, Japanese and
// Korean as overlapping pairs of characters. Keep the two in step.
(() => {
  'use strict';

  const MAX_QUERY_BYTES = 256;
  const MAX_TERMS = 12;
  const MAX_WORD = 40;
  const MIN_PREFIX = 3;
  const MAX_PREFIX_CHUNKS = 4; // a short prefix may span chunks; read at most this many
  const MAX_PHRASE_CHECKS = 60; // fragments read to check phrases, per query
  const QUOTES = ['"', '\u201C', '\u201D', '\u201E', '\u00AB', '\u00BB'];
  const SPELLED = { 'ł': 'l', 'đ': 'd', 'ð': 'd', 'ø': 'o', 'æ': 'ae', 'œ': 'oe', 'ß': 'ss',
    'þ': 'th', 'ı': 'i', 'ħ': 'h', 'ς': 'σ' };
  const WORD = /[\p{L}\p{N}\p{M}]/u;
  const MARK = /\p{M}/u;

  const isCjk = (c) => (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3005 && c <= 0x3007) ||
    (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3130 && c <= 0x318F) ||
    (c >= 0x31F0 && c <= 0x31FF) || (c >= 0x3400 && c <= 0x4DBF) ||
    (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
    (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF66 && c <= 0xFF9F) ||
    (c >= 0x20000 && c <= 0x3FFFF);

  function fold(w) {
    if (/^[\x00-\x7f]*$/.test(w)) return w.slice(0, MAX_WORD).toLowerCase();
    let s = w.toLowerCase().normalize('NFKD').replace(/\p{Mn}/gu, '');
    s = s.replace(/[łđðøæœßþıħς]/g, (c) => SPELLED[c]).normalize('NFC');
    return Array.from(s).slice(0, MAX_WORD).join('');
  }

  // [{w, start, end}]: the words of `text` and where they stand (UTF-16 offsets).
  function words(text) {
    const out = [];
    const n = text.length;
    let i = 0;
    const push = (b, e) => {
      const w = fold(text.slice(b, e));
      if (w) out.push({ w, start: b, end: e });
    };
    while (i < n) {
      const begin = i;
      const c = text.codePointAt(i);
      i += c > 0xffff ? 2 : 1;
      if (!WORD.test(String.fromCodePoint(c))) continue;
      const cjk = isCjk(c);
      const starts = [begin];
      let end = i;
      while (i < n) {
        const d = text.codePointAt(i);
        const ch = String.fromCodePoint(d);
        const next = i + (d > 0xffff ? 2 : 1);
        const mark = MARK.test(ch);
        if (!WORD.test(ch) || (!mark && isCjk(d) !== cjk)) break;
        if (cjk && !mark) starts.push(i);
        end = next;
        i = next;
      }
      if (!cjk) { push(begin, end); continue; }
      starts.push(end);
      if (starts.length === 2) { push(begin, end); continue; }
      for (let k = 0; k + 2 < starts.length; k++) push(starts[k], starts[k + 2]);
    }
    return out;
  }

  const chars = (s) => Array.from(s).length;

  // The reader's text as groups {words, phrase, prefix}, as ParseSearchQuery makes them.
  function parseQuery(raw) {
    let text = '';
    let bytes = 0;
    for (const ch of String(raw)) {
      const c = ch.codePointAt(0);
      if (c >= 0xD800 && c <= 0xDFFF) continue; // half a character: not text
      const b = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      if (bytes + b > MAX_QUERY_BYTES) break;
      text += ch;
      bytes += b;
    }
    const groups = [];
    let count = 0;
    let lastClosed = false;
    let lastEnd = 0;
    const addSegment = (seg, offset, quoted) => {
      const phrase = { words: [], phrase: true, prefix: false };
      let prevEnd = 0;
      let havePrev = false;
      for (const { w, start, end } of words(seg)) {
        if (count >= MAX_TERMS) break;
        count++;
        lastEnd = offset + end;
        if (quoted) {
          phrase.words.push(w);
        } else if (havePrev && start < prevEnd && groups.length) {
          groups[groups.length - 1].words.push(w); // the next pair of one CJK run
          groups[groups.length - 1].phrase = true;
        } else {
          groups.push({ words: [w], phrase: false, prefix: false });
        }
        prevEnd = end;
        havePrev = true;
      }
      if (quoted && phrase.words.length) {
        phrase.phrase = phrase.words.length > 1;
        groups.push(phrase);
      }
    };
    let pos = 0;
    let inQuote = false;
    for (;;) {
      let next = -1;
      let qlen = 0;
      for (const q of QUOTES) {
        const f = text.indexOf(q, pos);
        if (f >= 0 && (next < 0 || f < next)) { next = f; qlen = q.length; }
      }
      const end = next < 0 ? text.length : next;
      const before = groups.length;
      addSegment(text.slice(pos, end), pos, inQuote);
      if (groups.length !== before) lastClosed = inQuote && next >= 0;
      if (next < 0) break;
      inQuote = !inQuote;
      pos = next + qlen;
    }
    if (groups.length) {
      const g = groups[groups.length - 1];
      g.prefix = !lastClosed && lastEnd === text.length &&
        chars(g.words[g.words.length - 1]) >= MIN_PREFIX;
    }
    for (const g of groups) {
      if (g.words.length === 1 && isCjk(g.words[0].codePointAt(0)) && chars(g.words[0]) === 1) {
        g.prefix = true;
      }
    }
    return groups;
  }

  // --- The static index ------------------------------------------------------------------------

  const fetched = []; // every index piece fetched, with its size (for tests and the benchmark)
  const pieces = new Map();

  // The text of a piece: gzipped bytes (they start 1f 8b) unpacked, anything else as UTF-8.
  async function unpacked(bytes) {
    if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
      return new TextDecoder().decode(bytes);
    }
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).text();
  }

  function piece(base, path) {
    const url = base + path;
    if (!pieces.has(url)) {
      pieces.set(url, fetch(url).then(async (r) => {
        if (!r.ok) throw new Error(url + ': ' + r.status);
        const bytes = new Uint8Array(await r.arrayBuffer());
        fetched.push({ url, bytes: bytes.length });
        return JSON.parse(await unpacked(bytes));
      }));
    }
    return pieces.get(url);
  }

  const fragment = (base, d) => piece(base, 'doc/' + d + '.json.gz');

  // Code point order, the order of the index's words (it sorts their UTF-8 bytes).
  function cmp(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a.codePointAt(i);
      const y = b.codePointAt(i);
      if (x !== y) return x < y ? -1 : 1;
      if (x > 0xffff) i++;
    }
    return a.length - b.length;
  }

  // The chunk files that may hold `word` (and, for a prefix, the words that start with it).
  function chunksFor(manifest, word, prefix) {
    const list = manifest.chunks;
    let lo = 0;
    let hi = list.length - 1;
    let at = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(list[mid][0], word) <= 0) { at = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    const files = list.length ? [list[at][1]] : [];
    if (prefix) {
      for (let k = at + 1; k < list.length && files.length < MAX_PREFIX_CHUNKS; k++) {
        if (!list[k][0].startsWith(word)) break;
        files.push(list[k][1]);
      }
    }
    return files;
  }

  function decode(postings, into) {
    let doc = 0;
    for (let k = 0; k + 1 < postings.length; k += 2) {
      doc += postings[k];
      into.set(doc, Math.max(into.get(doc) || 0, postings[k + 1]));
    }
  }

  // Documents with the word (or a word it begins): Map doc -> weight.
  async function postingsOf(base, manifest, word, prefix) {
    const files = chunksFor(manifest, word, prefix);
    const chunks = await Promise.all(files.map((f) => piece(base, 'words/' + f + '.json.gz')));
    const docs = new Map();
    for (const chunk of chunks) {
      if (!prefix) {
        if (Object.prototype.hasOwnProperty.call(chunk, word)) decode(chunk[word], docs);
        continue;
      }
      for (const w of Object.keys(chunk)) {
        if (w.startsWith(word)) decode(chunk[w], docs);
      }
    }
    return docs;
  }

  const docText = (d) => [d.title, d.films, d.people, d.dek, d.meta, d.body].join('\n');

  function hasPhrase(doc, group) {
    const ws = words(docText(doc)).map((x) => x.w);
    const g = group.words;
    outer: for (let i = 0; i + g.length <= ws.length; i++) {
      for (let k = 0; k < g.length; k++) {
        const last = k === g.length - 1 && group.prefix;
        if (last ? !ws[i + k].startsWith(g[k]) : ws[i + k] !== g[k]) continue outer;
      }
      return true;
    }
    return false;
  }

  // The groups as a submitted search reads them (WholeWords in content/search.h): the last word
  // is whole, not the start of longer ones; a single CJK character stays the start of its pairs.
  function wholeWords(groups) {
    return groups.map((g) => (g.prefix && !(g.words.length === 1 && isCjk(g.words[0].codePointAt(0)) &&
      chars(g.words[0]) === 1)) ? { ...g, prefix: false } : g);
  }

  // Searches the static index. filters: {kind, year, author, edition}; returns
  // {total, exact, hits: [{doc, fragment}]} for the page asked for. A submitted search looks for
  // whole words, and for the last word as the start of longer ones only when nothing has it
  // whole ("kiesl" finds Kieślowski); `typing` (suggestions) takes it as a prefix at once.
  async function search(base, query, filters = {}, page = 1, perPage = 10, typing = false) {
    const typed = parseQuery(query);
    if (typing) return searchGroups(base, typed, filters, page, perPage);
    const whole = wholeWords(typed);
    const r = await searchGroups(base, whole, filters, page, perPage);
    if (r.total || whole.every((g, k) => g.prefix === typed[k].prefix)) return r;
    return searchGroups(base, typed, filters, page, perPage);
  }

  async function searchGroups(base, groups, filters, page, perPage) {
    if (!groups.length) return { total: 0, exact: true, hits: [], groups };
    const manifest = await piece(base, 'manifest.json');
    const n = manifest.documents || 1;
    let scores = null;
    for (const g of groups) {
      let inGroup = null;
      for (let k = 0; k < g.words.length; k++) {
        const prefix = g.prefix && k === g.words.length - 1;
        const docs = await postingsOf(base, manifest, g.words[k], prefix);
        const idf = Math.log(1 + n / Math.max(1, docs.size));
        const next = new Map();
        for (const [d, w] of docs) {
          if (inGroup && !inGroup.has(d)) continue;
          next.set(d, (inGroup ? inGroup.get(d) : 0) + w * idf);
        }
        inGroup = next;
        if (!inGroup.size) break;
      }
      const next = new Map();
      for (const [d, s] of inGroup) {
        if (scores && !scores.has(d)) continue;
        next.set(d, (scores ? scores.get(d) : 0) + s);
      }
      scores = next;
      if (!scores.size) break;
    }
    for (const name of manifest.filters || []) {
      const value = filters[name];
      if (!value) continue;
      const f = await piece(base, 'filter/' + name + '.json');
      const allowed = new Set(f[value] || []);
      for (const d of [...scores.keys()]) if (!allowed.has(d)) scores.delete(d);
    }
    const ranked = [...scores.entries()].sort((x, y) => y[1] - x[1] || x[0] - y[0]).map((e) => e[0]);
    const phrases = groups.filter((g) => g.phrase);
    const want = page * perPage;
    const hits = [];
    if (!phrases.length) {
      for (const d of ranked.slice((page - 1) * perPage, want)) hits.push({ doc: d });
      await Promise.all(hits.map(async (h) => { h.fragment = await fragment(base, h.doc); }));
      return { total: ranked.length, exact: true, hits, groups };
    }
    // Phrases: the candidates' text is read, in rank order, until the page is full.
    const kept = [];
    let checked = 0;
    for (; checked < ranked.length && kept.length < want && checked < MAX_PHRASE_CHECKS;
      checked += 8) {
      const batch = ranked.slice(checked, checked + 8);
      const docs = await Promise.all(batch.map((d) => fragment(base, d)));
      batch.forEach((d, k) => {
        if (phrases.every((g) => hasPhrase(docs[k], g))) kept.push({ doc: d, fragment: docs[k] });
      });
    }
    const exact = checked >= ranked.length;
    return { total: exact ? kept.length : kept.length + (ranked.length - checked), exact,
      hits: kept.slice((page - 1) * perPage, want), groups };
  }

  // --- Showing results -------------------------------------------------------------------------

  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

  // A passage of `text` around the first match, escaped, the matches in <mark> (as the server's
  // SnippetHtml makes it).
  function snippet(text, groups, span = 24) {
    if (!text) return '';
    const ws = words(text);
    const matches = (w) => groups.some((g) => g.words.some((q, k) =>
      (g.prefix && k === g.words.length - 1) ? w.startsWith(q) : w === q));
    const first = ws.findIndex((x) => matches(x.w));
    if (first < 0) return '';
    const from = Math.max(0, first - 8);
    const to = Math.min(ws.length, from + span);
    const end = to < ws.length ? ws[to].start : text.length;
    let html = from > 0 ? '…' : '';
    let at = from > 0 ? ws[from].start : 0;
    for (let k = from; k < to; k++) {
      if (!matches(ws[k].w)) continue;
      // Overlapping matches (the pairs of a CJK run) make one mark.
      const b = Math.max(ws[k].start, at);
      let e = ws[k].end;
      while (k + 1 < to && matches(ws[k + 1].w) && ws[k + 1].start <= e) e = ws[++k].end;
      if (b >= e) continue;
      html += esc(text.slice(at, b)) + '<mark>' + esc(text.slice(b, e)) + '</mark>';
      at = e;
    }
    html += esc(text.slice(at, end).trimEnd());
    return html + (to < ws.length ? '…' : '');
  }

  function hitHtml(h, groups) {
    const f = h.fragment;
    const snip = snippet(f.body, groups) || snippet(f.dek, groups) || esc(f.dek || '');
    return '<li class="search-hit">' +
      '<p class="label search-hit__label">' + esc(f.kind) +
      (f.film ? ' <span class="card__film"><cite>' + esc(f.film) + '</cite></span>' : '') + '</p>' +
      '<h3 class="search-hit__title"><a href="' + esc(f.url) + '">' + esc(f.title) + '</a></h3>' +
      (snip ? '<p class="search-hit__snippet">' + snip + '</p>' : '') +
      '<p class="search-hit__meta"><time datetime="' + esc(f.date_iso) + '">' + esc(f.date) + '</time></p></li>';
  }

  function pagination(params, page, pages) {
    if (pages <= 1) return '';
    const url = (p) => {
      const q = new URLSearchParams(params);
      if (p > 1) q.set('page', String(p)); else q.delete('page');
      return '?' + q.toString();
    };
    let html = '<nav class="pagination" aria-label="Pages of results"><p class="pagination__status">Page ' +
      page + ' of ' + pages + '</p><ul class="pagination__list">';
    if (page > 1) html += '<li class="pagination__step"><a href="' + esc(url(page - 1)) + '" rel="prev"><span aria-hidden="true">←</span> Previous</a></li>';
    for (let p = 1; p <= pages; p++) {
      if (pages > 9 && p !== 1 && p !== pages && Math.abs(p - page) > 2) continue;
      html += '<li><a class="pagination__page" href="' + esc(url(p)) + '"' +
        (p === page ? ' aria-current="page"' : '') + '>' + p + '</a></li>';
    }
    if (page < pages) html += '<li class="pagination__step"><a href="' + esc(url(page + 1)) + '" rel="next">Next <span aria-hidden="true">→</span></a></li>';
    return html + '</ul></nav>';
  }

  // The search page of a static copy: the query in the address, answered from the index.
  async function runSearchPage(form) {
    const params = new URLSearchParams(location.search);
    const query = params.get('q') || '';
    const out = document.getElementById('search-results');
    if (!out || !query.trim()) return;
    if (form.elements.q) form.elements.q.value = query;
    const base = form.dataset.index || '/search/index/';
    const perPage = Number(form.dataset.perPage) || 10;
    const page = Math.max(1, Math.min(100, parseInt(params.get('page') || '1', 10) || 1));
    const filters = {};
    for (const name of ['kind', 'year', 'author', 'edition']) {
      const v = params.get(name);
      if (v) filters[name] = v;
      const field = form.elements[name];
      if (field && v) field.value = v;
    }
    const title = document.querySelector('.list-head__title');
    if (title) title.innerHTML = '<span class="search-head__for">Results for</span> “' + esc(query) + '”';
    document.title = 'Search: ' + query + ' — ' + (document.title.split(' — ').pop() || '');
    out.innerHTML = '<p class="search-results__none">Searching…</p>';
    try {
      const r = await search(base, query, filters, page, perPage);
      const count = r.total === 1 ? '1 result' : (r.exact ? '' : 'About ') + r.total + ' results';
      let html = '<h2 class="search-results__count">' + count + '</h2>';
      if (!r.total) html += '<p class="search-results__none">Nothing matches. Check the spelling, use fewer words, or remove a filter.</p>';
      if (r.hits.length) html += '<ol class="search-results__list">' + r.hits.map((h) => hitHtml(h, r.groups)).join('') + '</ol>';
      html += pagination(params, page, Math.min(100, Math.ceil(r.total / perPage)));
      out.innerHTML = html;
    } catch (e) {
      out.innerHTML = '<p class="search-results__none">The search index could not be read. Every article is listed in the <a href="/archive/">archive</a>.</p>';
    }
  }

  // --- Suggestions under the search boxes ------------------------------------------------------

  let live = true; // until the server's suggestions fail once: then the static index answers

  async function suggestions(query, base) {
    if (live) {
      try {
        const r = await fetch('/search/suggest.json?q=' + encodeURIComponent(query), { headers: { Accept: 'application/json' } });
        const type = r.headers.get('Content-Type') || '';
        if (r.ok && type.startsWith('application/json')) {
          const data = await r.json();
          return data.results.map((x) => ({ title: x.title, url: x.url, film: x.film }));
        }
      } catch (e) { /* no server: the static index */ }
      live = false;
    }
    const r = await search(base, query, {}, 1, 6, true);
    return r.hits.map((h) => ({ title: h.fragment.title, url: h.fragment.url, film: h.fragment.film }));
  }

  let boxes = 0;
  function enhance(input) {
    const form = input.form;
    const list = document.createElement('ul');
    const id = 'search-suggest-' + (++boxes);
    list.id = id;
    list.className = 'search-suggest';
    list.setAttribute('role', 'listbox');
    list.hidden = true;
    form.appendChild(list);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-controls', id);
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-autocomplete', 'list');
    const base = (document.querySelector('[data-search-page]') || {}).dataset?.index || '/search/index/';
    let timer = 0;
    let asked = 0;
    let selected = -1;
    const close = () => { list.hidden = true; input.setAttribute('aria-expanded', 'false'); selected = -1; };
    const select = (k) => {
      const links = list.querySelectorAll('a');
      selected = Math.max(-1, Math.min(links.length - 1, k));
      links.forEach((a, j) => a.setAttribute('aria-selected', String(j === selected)));
    };
    input.addEventListener('input', () => {
      clearTimeout(timer);
      const q = input.value;
      if (parseQuery(q).length === 0 || q.trim().length < 2) { close(); return; }
      timer = setTimeout(async () => {
        const mine = ++asked;
        let items = [];
        try { items = await suggestions(q, base); } catch (e) { items = []; }
        if (mine !== asked) return; // a later keystroke won
        const all = '/search/?q=' + encodeURIComponent(q);
        list.innerHTML = items.map((x) => '<li><a role="option" aria-selected="false" href="' + esc(x.url) + '">' +
          esc(x.title) + (x.film && x.film !== x.title ? ' <span class="search-suggest__kind">' + esc(x.film) + '</span>' : '') + '</a></li>').join('') +
          '<li class="search-suggest__all"><a role="option" aria-selected="false" href="' + esc(all) + '">All results for “' + esc(q) + '”</a></li>';
        list.hidden = false;
        input.setAttribute('aria-expanded', 'true');
        selected = -1;
      }, 120);
    });
    input.addEventListener('keydown', (e) => {
      if (list.hidden) return;
      if (e.key === 'ArrowDown') { select(selected + 1); e.preventDefault(); }
      else if (e.key === 'ArrowUp') { select(selected - 1); e.preventDefault(); }
      else if (e.key === 'Escape') { close(); }
      else if (e.key === 'Enter' && selected >= 0) {
        e.preventDefault();
        location.href = list.querySelectorAll('a')[selected].href;
      }
    });
    input.addEventListener('blur', () => setTimeout(close, 150));
  }

  (typeof window === 'undefined' ? globalThis : window).cinepressSearch =
    { parseQuery, words, fold, search, snippet, fetched };

  function start() {
    document.querySelectorAll('.site-search__input, .search-form__input').forEach(enhance);
    const page = document.querySelector('[data-search-page]');
    if (page && !page.hasAttribute('data-live')) runSearchPage(page);
  }
  if (typeof document === 'undefined') return; // loaded by a test without a page
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
