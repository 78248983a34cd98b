import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ReportData } from './report-types.js';
import { visibleText } from './visible-text.js';

/** The built page, beside this module in the package (`npm run build` writes it from report/). */
const TEMPLATE_NAME = 'report-page.html';
const DATA_MARK = '<!--REPORT_DATA-->';
const TITLE_MARK = '<!--REPORT_TITLE-->';

function templatePath(): string {
  const beside = new URL(`./${TEMPLATE_NAME}`, import.meta.url);
  if (existsSync(beside)) return fileURLToPath(beside);
  // Running from the TypeScript sources (tests, tsx): the build's copy.
  const built = new URL(`../../dist/src/report/${TEMPLATE_NAME}`, import.meta.url);
  if (existsSync(built)) return fileURLToPath(built);
  throw new Error(`the report page is not built (${TEMPLATE_NAME} not found): run npm run build`);
}

let cached: string | undefined;

/** The page template: one self-contained HTML file with its style and script inline. */
export function reportTemplate(): string {
  cached ??= readFileSync(templatePath(), 'utf8');
  return cached;
}

/**
 * JSON that is safe inside a `<script>` element: no `<` at all (so no `</script` or `<!--`), and
 * U+2028/U+2029 escaped as older parsers treat them as line ends.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function splice(template: string, mark: string, text: string): string {
  const at = template.indexOf(mark);
  if (at === -1 || template.indexOf(mark, at + 1) !== -1) throw new Error(`the report page template must hold ${mark} exactly once`);
  return template.slice(0, at) + text + template.slice(at + mark.length);
}

/** The report page: the template with the data embedded as JSON. Opens from file://, makes no request. */
export function renderReportHtml(data: ReportData, template: string = reportTemplate()): string {
  // The data goes in last, so nothing in it can be taken for a marker.
  return splice(splice(template, TITLE_MARK, escapeHtml(visibleText(data.title))), DATA_MARK, scriptSafeJson(data));
}
