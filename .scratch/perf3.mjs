import { RE2JS } from 're2js';
const t = 'ord_1 '.repeat(5000);
const a = RE2JS.compile('(?<![\\p{L}\\p{N}_])(?:ord_\\d+)', RE2JS.LOOKBEHINDS);
const b = RE2JS.compile('(?<![\\p{L}\\p{N}_])(ord_\\d+)(?:[^\\p{L}\\p{N}_]|$)', RE2JS.LOOKBEHINDS);
const c = RE2JS.compile('(?:ord_\\d+)');
for (let rep = 0; rep < 2; rep++) {
for (const [name, re, g] of [['a-g0', a, 0], ['b-g1', b, 1], ['b-g0', b, 0], ['c-g0', c, 0]]) {
  let t0 = performance.now(); const m = re.matcher(t); let n = 0, s = 0;
  while (m.find()) { n++; s += m.start(g) + m.end(g); }
  console.log(name, n, (performance.now()-t0).toFixed(1));
}
let t0 = performance.now(); let n=0; for (const x of a.matchAll(t)) n++; console.log('matchAll a', n, (performance.now()-t0).toFixed(1));
t0 = performance.now(); n=0; const re=/(?<![\p{L}\p{N}_])ord_\d+(?![\p{L}\p{N}_])/gu; for (const x of t.matchAll(re)) n++; console.log('v8', n, (performance.now()-t0).toFixed(1));
}
const nested = RE2JS.compile('(?<![\\p{L}\\p{N}_])(?:(a+)+)', RE2JS.LOOKBEHINDS);
for (const n of [1000, 10000, 100000]) { const s='a'.repeat(n)+'!'; let t0=performance.now(); const m = nested.matcher(s); m.find(); m.end(); console.log('nested', n, (performance.now()-t0).toFixed(1)); }
