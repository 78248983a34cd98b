import { RE2JS } from 're2js';
for (const p of ['(a{100}){100}', '((a{30}){30}){30}', '(?:[a-z]{1000}){1000}', '\\p{L}{1000}']) {
  const t0 = Date.now();
  try { const r = RE2JS.compile(p); console.log(p, r.programSize(), Date.now()-t0, 'ms'); const t1=Date.now(); r.test('a'.repeat(100000)); console.log(' test', Date.now()-t1); } catch (e) { console.log(p, 'ERR', e.message, Date.now()-t0); }
}
const r = RE2JS.compile('(?<![\\p{L}\\p{N}_])(ord_\\d+)(?:[^\\p{L}\\p{N}_]|$)', RE2JS.LOOKBEHINDS);
const text = 'xord_1 ord_2 ord_3x ord_4';
const m = r.matcher(text); let pos = 0; const out=[];
while (pos <= text.length && m.find(pos)) { out.push([m.group(1), m.start(1)]); pos = m.end(1) > m.start(1) ? m.end(1) : m.end(1)+1; }
console.log(out);
// speed: 1MB text
const big = ('hello world ord_12 foo-bar, ' ).repeat(40000);
let t0=Date.now(); const m2 = r.matcher(big); pos=0; let n=0; while (m2.find(pos)) { n++; pos = m2.end(1); } console.log('re2js', n, Date.now()-t0,'ms', big.length);
t0=Date.now(); const js=/(?<![\p{L}\p{N}_])ord_\d+(?![\p{L}\p{N}_])/gu; console.log('js', big.match(js).length, Date.now()-t0);
t0=Date.now(); console.log('test', RE2JS.compile('zzz\\d').test(big), Date.now()-t0);
t0=Date.now(); console.log('matchAll', [...RE2JS.compile('ord_\\d+').matchAll(big)].length, Date.now()-t0);
