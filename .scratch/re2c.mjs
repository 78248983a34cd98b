import { RE2JS } from 're2js';
const big = ('hello world ord_12 foo-bar, ' ).repeat(40000);
const small = ('hello world ord_12 foo-bar, ' ).repeat(40);
function bench(name, fn, text) { let t0=performance.now(); let n; for (let i=0;i<(text.length<10000?200:1);i++) n=fn(text); const ms=(performance.now()-t0)/(text.length<10000?200:1); console.log(name, text.length, n, ms.toFixed(3),'ms'); }
const a = RE2JS.compile('(?:^|[^\\p{L}\\p{N}_])(ord_\\d+)(?:[^\\p{L}\\p{N}_]|$)');
const b = RE2JS.compile('(?<![\\p{L}\\p{N}_])(ord_\\d+)(?:[^\\p{L}\\p{N}_]|$)', RE2JS.LOOKBEHINDS);
const c = RE2JS.compile('ord_\\d+');
for (const t of [small, big]) {
  bench('matchAll a', (x)=>[...a.matchAll(x)].length, t);
  bench('matchAll c', (x)=>[...c.matchAll(x)].length, t);
  bench('find loop a', (x)=>{const m=a.matcher(x); let p=0,n=0; while(m.find(p)){n++; p=m.end(1);} return n;}, t);
  bench('find() a', (x)=>{const m=a.matcher(x); let n=0; while(m.find()){n++;} return n;}, t);
  bench('test a', (x)=>a.test(x), t);
  bench('js', (x)=>x.match(/(?<![\p{L}\p{N}_])ord_\d+(?![\p{L}\p{N}_])/gu).length, t);
}
