import { RE2JS } from 're2js';
const s = 'a'.repeat(30000) + '!';
for (const [name, flags] of [['lb', RE2JS.LOOKBEHINDS], ['plain', 0]]) {
  for (const p of ['^(a+)+$', '^(a|a)*$', '^[a-z]+_\\d+$', '(x+x+)+y']) {
    const r = RE2JS.compile(p, flags); r.test(s);
    let t0 = performance.now(); for (let i = 0; i < 5; i++) r.test(s); console.log(name, p, ((performance.now() - t0) / 5).toFixed(2));
  }
}
