import { RE2JS } from 're2js';
const p='^(a+)+$';
console.log(RE2JS.translateRegExp(p));
const r = RE2JS.compile(RE2JS.translateRegExp(p), RE2JS.LOOKBEHINDS);
console.log(r.test('aaaa!'), r.test('aaaa'), RE2JS.compile(p).test('aaaa!'));
const r2 = RE2JS.compile('^a+$', RE2JS.LOOKBEHINDS); console.log(r2.test('aaaa!'));
const r3 = RE2JS.compile('^a+$'); console.log(r3.test('aaaa!'));
