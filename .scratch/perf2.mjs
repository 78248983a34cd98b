import { RE2JS } from 're2js';
const variants = {
  lb_findpos: [RE2JS.compile('(?<![\\p{L}\\p{N}_])(ord_\\d+)(?:[^\\p{L}\\p{N}_]|$)', RE2JS.LOOKBEHINDS), true],
  lb_find: [RE2JS.compile('(?<![\\p{L}\\p{N}_])(ord_\\d+)(?:[^\\p{L}\\p{N}_]|$)', RE2JS.LOOKBEHINDS), false],
  nolb_find: [RE2JS.compile('(?:^|[^\\p{L}\\p{N}_])(ord_\\d+)(?:[^\\p{L}\\p{N}_]|$)'), false],
  nolb_findpos: [RE2JS.compile('(?:^|[^\\p{L}\\p{N}_])(ord_\\d+)(?:[^\\p{L}\\p{N}_]|$)'), true],
  plain: [RE2JS.compile('ord_\\d+'), false],
};
const t = 'ord_1 '.repeat(5000);
for (const [name, [re, pos]] of Object.entries(variants)) {
  let t0 = performance.now(); const m = re.matcher(t); let n = 0, p = 0;
  if (pos) { while (m.find(p)) { n++; p = m.end(1) ?? m.end(); } } else { while (m.find()) n++; }
  console.log(name, n, (performance.now()-t0).toFixed(1));
}
const nested = RE2JS.compile('(?:^|[^\\p{L}\\p{N}_])((a+)+)(?:[^\\p{L}\\p{N}_]|$)');
for (const n of [1000, 10000]) { const s='a'.repeat(n)+'!'; let t0=performance.now(); const m = nested.matcher(s); m.find(); console.log('nested', n, (performance.now()-t0).toFixed(1)); }
const nested2 = RE2JS.compile('(?:^|[^\\p{L}\\p{N}_])((?:a+)+)(?:[^\\p{L}\\p{N}_]|$)');
for (const n of [1000, 10000]) { const s='a'.repeat(n)+'!'; let t0=performance.now(); const m = nested2.matcher(s); m.find(); console.log('nested-noncap', n, (performance.now()-t0).toFixed(1)); }
