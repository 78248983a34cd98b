// Builds the incident report page: bundles report/src/main.ts (rolldown) and inlines it, with the
// stylesheet, into one HTML template whose Content-Security-Policy allows exactly these two inline
// blocks (by hash) and nothing else: no request of any kind. Output: dist/src/report/report-page.html,
// beside the module that fills in the data (src/report/render-html.ts), so it ships in the package.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'dist', 'src', 'report', 'report-page.html');

const bundle = await build({
  input: join(here, 'src', 'main.ts'),
  write: false,
  platform: 'browser',
  logLevel: 'warn',
  output: { format: 'iife', minify: true, comments: false },
});
const chunks = bundle.output.filter((item) => item.type === 'chunk');
if (chunks.length !== 1) throw new Error(`expected one script chunk, got ${chunks.length}`);
const script = chunks[0].code.trim();
const style = readFileSync(join(here, 'src', 'style.css'), 'utf8').trim();

// The inline blocks must not be able to close their own element.
for (const [name, text, closer] of [['script', script, /<\/script/i], ['style', style, /<\/style/i]]) {
  if (closer.test(text) || text.includes('<!--')) throw new Error(`the ${name} holds a sequence that would end its element early`);
}

const hash = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const csp = [`default-src 'none'`, `script-src ${hash(script)}`, `style-src ${hash(style)}`, `base-uri 'none'`, `form-action 'none'`].join('; ');

let page = readFileSync(join(here, 'src', 'page.html'), 'utf8');
const put = (mark, text) => {
  const parts = page.split(mark);
  if (parts.length !== 2) throw new Error(`page.html must hold ${mark} exactly once`);
  page = parts[0] + text + parts[1];
};
put('<!--CSP-->', csp);
put('<!--STYLE-->', style);
put('<!--SCRIPT-->', script);
for (const mark of ['<!--REPORT_TITLE-->', '<!--REPORT_DATA-->']) {
  if (page.split(mark).length !== 2) throw new Error(`the built page must hold ${mark} exactly once`);
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, page);
process.stdout.write(`report page: ${out} (${Math.round(page.length / 1024)} kB)\n`);
