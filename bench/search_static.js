#!/usr/bin/env node
// Bytes a reader's browser fetches per query from the static search index: runs the theme's
// search.js (the code the browser runs) against a built site's files, each query with an empty
// cache, the first page of results as the search page shows it.
//
//   node bench/search_static.js PUBLIC_DIR QUERIES_FILE
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const zlib = require('zlib');

const [publicDir, queriesFile] = process.argv.slice(2);
const assets = path.join(publicDir, 'assets');
const script = fs.readFileSync(path.join(assets, fs.readdirSync(assets).find((f) => /^search\..*\.js$/.test(f))), 'utf8');
const queries = fs.readFileSync(queriesFile, 'utf8').split('\n').filter(Boolean);

// url -> gzip size: what a static host that compresses sends (a fragment is gzipped already).
const gzipped = new Map();
const isGzip = (data) => data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
function fetchFile(url) {
  const file = path.join(publicDir, decodeURIComponent(new URL(url, 'http://x').pathname));
  const bytes = (data) => async () => new Uint8Array(data).buffer;
  if (!fs.existsSync(file)) return Promise.resolve({ ok: false, status: 404, arrayBuffer: bytes(Buffer.alloc(0)) });
  const data = fs.readFileSync(file);
  if (!gzipped.has(url)) gzipped.set(url, isGzip(data) ? data.length : zlib.gzipSync(data, { level: 6 }).length);
  return Promise.resolve({ ok: true, status: 200, arrayBuffer: bytes(data) });
}
// What the script needs of a browser besides fetch.
const browserGlobals = { TextDecoder, Blob, Response, DecompressionStream };

(async () => {
  const bytes = [];
  const gz = [];
  const pieces = [];
  let totalHits = 0;
  const started = Date.now();
  for (const line of queries) {
    const params = new URLSearchParams(line);
    const context = vm.createContext({ fetch: fetchFile, console, ...browserGlobals });
    vm.runInContext(script, context);
    const s = context.cinepressSearch;
    const filters = {};
    for (const name of ['kind', 'year', 'author', 'edition']) if (params.get(name)) filters[name] = params.get(name);
    const r = await s.search('/search/index/', params.get('q') || '', filters, 1, 10);
    totalHits += r.hits.length;
    bytes.push(s.fetched.reduce((n, f) => n + f.bytes, 0));
    gz.push(s.fetched.reduce((n, f) => n + gzipped.get(f.url), 0));
    pieces.push(s.fetched.length);
  }
  const sorted = (a) => [...a].sort((x, y) => x - y);
  const pct = (a, p) => sorted(a)[Math.min(a.length - 1, Math.floor(p * a.length))];
  const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
  const kb = (n) => (n / 1024).toFixed(1) + ' KiB';
  console.log(`static index: ${queries.length} queries, bytes fetched per query p50 ${kb(pct(bytes, 0.5))}, ` +
    `p90 ${kb(pct(bytes, 0.9))}, p99 ${kb(pct(bytes, 0.99))}, max ${kb(Math.max(...bytes))}, mean ${kb(mean(bytes))}; ` +
    `gzip-compressed p50 ${kb(pct(gz, 0.5))}, p99 ${kb(pct(gz, 0.99))}, mean ${kb(mean(gz))}; ` +
    `pieces per query p50 ${pct(pieces, 0.5)}, max ${Math.max(...pieces)}; ${(totalHits / queries.length).toFixed(1)} results shown per query; ` +
    `${((Date.now() - started) / queries.length).toFixed(1)} ms per query in node`);
})();
