import { RE2JS } from 're2js';
const a = RE2JS.compile('(?:^|[^\\p{L}\\p{N}_])(ord_\\d+)(?:[^\\p{L}\\p{N}_]|$)');
const none = ('hello world order_x foo-bar, ' ).repeat(40000);
const near = ('ord_1x ord_2y ord_3z ' ).repeat(50000);
for (const [n,t] of [['none',none],['near',near]]) { let t0=performance.now(); const m=a.matcher(t); let c=0; while(m.find()) c++; console.log(n, c, (performance.now()-t0).toFixed(1)); t0=performance.now(); console.log(' test', a.test(t), (performance.now()-t0).toFixed(1)); }
const w = RE2JS.compile('[a-z]+_\\d{2,6}'); let t0=performance.now(); const s = 'word '.repeat(200000); console.log('test words', w.test(s), (performance.now()-t0).toFixed(1));
