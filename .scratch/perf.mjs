import { LinearTokenFinder } from '../dist/src/text/linear-regex.js';
const f = new LinearTokenFinder('x', '(a+)+', '[\\p{L}\\p{N}_]', '[^\\p{L}\\p{N}_]');
for (const n of [1000, 10000, 30000]) { const t = 'a'.repeat(n) + '!'; let t0 = performance.now(); const r = f.find(t, {chars: 1e9}); console.log(n, r.length, (performance.now()-t0).toFixed(1)); }
const g = new LinearTokenFinder('x', 'ord_\\d+', '[\\p{L}\\p{N}_]', '[^\\p{L}\\p{N}_]');
for (const n of [30000, 262144]) { const t = 'ord_1 '.repeat(n/6); let t0 = performance.now(); const r = g.find(t, {chars: 1e9}); console.log('ids', n, r.length, (performance.now()-t0).toFixed(1)); }
