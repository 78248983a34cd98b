/**
 * Every regular expression that comes from outside the code (tool schemas, policies, declared id
 * shapes, injection patterns) runs here, on RE2 semantics (re2js): matching time is linear in the
 * text whatever the pattern. RE2 has no backreferences and no lookahead; a pattern that needs them
 * is refused with UnsupportedPatternError (callers fail closed), never run on a backtracking engine.
 */
import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';
import { UNSPACED_CLASS, UNSPACED_CLASS_RE2 } from './unspaced-scripts.js';

// Loaded on the first untrusted pattern, not at import: most processes (the CLI, guards without
// patterns) never pay for the engine.
let engine: typeof RE2JS | undefined;
function re2(): typeof RE2JS {
  engine ??= (createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JS }).RE2JS;
  return engine;
}

/** Why a pattern cannot run on the linear-time engine. */
export type UnsupportedReason = 'backreference' | 'lookaround' | 'too_complex' | 'syntax';

export class UnsupportedPatternError extends Error {
  constructor(
    readonly pattern: string,
    readonly reason: UnsupportedReason,
    detail: string,
  ) {
    super(`pattern ${JSON.stringify(pattern.length > 120 ? `${pattern.slice(0, 120)}…` : pattern)} cannot run on the linear-time regex engine (${reason}): ${detail}`);
    this.name = 'UnsupportedPatternError';
  }
}

/** Longest pattern accepted, and the largest compiled program (RE2's own cost measure). */
const MAX_PATTERN_LENGTH = 4_096;
const MAX_PROGRAM_SIZE = 20_000;

function classify(message: string): UnsupportedReason {
  if (/invalid escape sequence: `\\[1-9]|\\k</.test(message)) return 'backreference';
  if (/\(\?[=!]|\(\?<[=!]|lookahead|lookbehind/i.test(message)) return 'lookaround';
  return 'syntax';
}

export interface LinearOptions {
  ignoreCase?: boolean;
  multiline?: boolean;
  dotAll?: boolean;
}

/**
 * Compiles a JavaScript-syntax pattern (as JSON Schema and policies write them) for RE2.
 * Captureless lookbehind is allowed (re2js runs it in linear time); lookahead and backreferences are not.
 * @throws UnsupportedPatternError
 */
export function compileLinear(pattern: string, options: LinearOptions = {}): RE2JS {
  if (typeof pattern !== 'string') throw new UnsupportedPatternError(String(pattern), 'syntax', 'not a string');
  if (pattern.length > MAX_PATTERN_LENGTH) throw new UnsupportedPatternError(pattern, 'too_complex', `longer than ${MAX_PATTERN_LENGTH} characters`);
  // Lookbehind support slows every match several times over: only patterns that use it get it.
  const RE2 = re2();
  let flags = /\(\?<[=!]/.test(pattern) ? RE2.LOOKBEHINDS : 0;
  if (options.ignoreCase) flags |= RE2.CASE_INSENSITIVE;
  if (options.multiline) flags |= RE2.MULTILINE;
  if (options.dotAll) flags |= RE2.DOTALL;
  let compiled: RE2JS;
  try {
    compiled = RE2.compile(RE2.translateRegExp(pattern), flags);
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    throw new UnsupportedPatternError(pattern, classify(message), message);
  }
  if (compiled.programSize() > MAX_PROGRAM_SIZE) {
    throw new UnsupportedPatternError(pattern, 'too_complex', `its program has ${compiled.programSize()} instructions, over ${MAX_PROGRAM_SIZE}`);
  }
  return compiled;
}

/** Whether a pattern can run on the linear-time engine; the error says why not. */
export function checkLinear(pattern: string, options: LinearOptions = {}): UnsupportedPatternError | undefined {
  try {
    compileLinear(pattern, options);
    return undefined;
  } catch (error) {
    if (error instanceof UnsupportedPatternError) return error;
    throw error;
  }
}

/**
 * The width a pattern run on V8's engine may have (atoms, each fixed repetition counted as often as it repeats):
 * with no variable quantifier, what one anchored attempt reads; with one, what each of its backtracking steps
 * may read again. A rest of 4,000 literals after `.*` would read 4,000 characters per step of a 1 MB argument.
 */
const MAX_WIDTH_FIXED = 4_096;
const MAX_WIDTH_BACKTRACKING = 64;

/**
 * Whether V8's backtracking engine runs `pattern` (flags `u`, never `m`) in linear time with a small constant, so
 * it need not go to RE2: anchored at the start (`^`), with no group, alternation, lookaround or backreference, and
 * either no quantifier of variable length (`*`, `+`, `?`, `{n,m}`) or one, in a pattern at most
 * MAX_WIDTH_BACKTRACKING wide. V8 then tries one start position and backtracks through that one quantifier only,
 * each of its at most n lengths followed by a bounded rest. Most id patterns are of this kind (`^ord_[0-9]+$`,
 * `^[A-Z]{3}\d{6}$`, a UUID's), and V8 runs them several times faster than re2js, with ECMA-262's own semantics
 * (what JSON Schema prescribes: `\s` is every Unicode space, not RE2's five).
 */
export function linearOnV8(pattern: string): boolean {
  if (pattern.charCodeAt(0) !== 94 /* ^ */) return false;
  let variable = 0;
  let width = 0;
  for (let index = 1; index < pattern.length; ) {
    const char = pattern[index]!;
    if (char === '(' || char === '|' || char === ')') return false;
    if (char === '*' || char === '+' || char === '?') {
      variable += 1;
      index += pattern[index + 1] === '?' ? 2 : 1;
      continue;
    }
    if (char === '{') {
      const quantifier = /^\{(\d{1,6})(,(\d{0,6}))?\}\??/.exec(pattern.slice(index, index + 16));
      if (quantifier === null) return false;
      // The atom before it was counted once; its mandatory repetitions are the rest.
      width += Math.max(0, Number(quantifier[1]) - 1);
      if (quantifier[2] !== undefined) variable += 1;
      index += quantifier[0].length;
      continue;
    }
    width += 1;
    if (char === '\\') {
      const next = pattern[index + 1];
      if (next === undefined || /[1-9k]/.test(next)) return false;
      // `\p{L}`, `\u{1F600}`: the braces belong to the escape, not a quantifier.
      if ((next === 'p' || next === 'P' || next === 'u') && pattern[index + 2] === '{') {
        const close = pattern.indexOf('}', index + 3);
        if (close === -1) return false;
        index = close + 1;
      } else index += 2;
      continue;
    }
    if (char === '[') {
      // In `u` mode a class ends at the first unescaped `]` (`[]` is the empty class).
      let at = index + 1;
      while (at < pattern.length && pattern[at] !== ']') at += pattern[at] === '\\' ? 2 : 1;
      if (at >= pattern.length) return false;
      index = at + 1;
      continue;
    }
    index += 1;
  }
  return variable === 0 ? width <= MAX_WIDTH_FIXED : variable === 1 && width <= MAX_WIDTH_BACKTRACKING;
}

/**
 * The engine ajv uses for `pattern`, `patternProperties` and `propertyNames` patterns
 * (`new Ajv({ code: { regExp: linearRegExpEngine } })`). Only `test` is needed. A pattern V8 runs in linear
 * time (`linearOnV8`) runs there; every other on RE2.
 */
export const linearRegExpEngine = Object.assign(
  function linearRegExp(pattern: string, flags: string): { test(text: string): boolean; toString(): string } {
    if (!flags.includes('m') && linearOnV8(pattern)) {
      try {
        return new RegExp(pattern, flags);
      } catch {
        // Not valid ECMA-262 syntax after all: RE2 says why below.
      }
    }
    const compiled = compileLinear(pattern, { ignoreCase: flags.includes('i') });
    // ajv keys its compiled patterns by `toString()`: it must name the pattern, or every pattern shares one slot.
    const key = `re2:/${pattern}/${flags}`;
    return { test: (text: string) => compiled.test(text), toString: () => key };
  },
  // ajv needs `code` only for standalone code generation, which this package never does.
  { code: 'agent-warden/linear-regex' },
);

/**
 * The first match of a compiled pattern and its index, in linear time: the DFA tests the whole text
 * and then chunk by chunk, and positions are searched only in the first chunk that matches.
 */
export function firstMatch(regex: RE2JS, text: string): { text: string; index: number } | undefined {
  if (!regex.test(text)) return undefined;
  for (let start = 0; start < text.length; start += CHUNK) {
    const from = Math.max(0, start - OVERLAP);
    const chunk = text.length <= CHUNK ? text : text.slice(from, start + CHUNK + OVERLAP);
    if (!regex.test(chunk)) continue;
    const match = regex.exec(chunk) as (string[] & { index: number }) | null;
    if (match) return { text: String(match[0]), index: from + match.index };
  }
  // Only a match longer than a chunk is left: it exists, its position is not worth the work.
  return { text: '', index: -1 };
}

/** A token found in text by a linear-time pattern. */
export interface FoundToken {
  token: string;
  index: number;
}

/** Work left for pattern extraction in one decision: past it, extraction fails closed (throws). */
export interface ScanBudget {
  chars: number;
}

export class ScanBudgetError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'ScanBudgetError';
  }
}

const CHUNK = 8_192;
/** Chunks overlap by more than the longest id (256), so a match across a cut is still found whole. */
const OVERLAP = 320;
/** What one extracted match costs the scan budget, in characters (re2js pays ~20 µs per match). */
const MATCH_COST = 128;

/**
 * Finds every match of an untrusted pattern that stands alone between the given edges, in linear time.
 * A letter of a script written without spaces (CJK, Thai, ...) is an edge too, whatever `before` and `after`
 * say: such text writes ids against its letters (`注文W2378156です`, see `unspaced-scripts.ts`), and `tokens.ts`
 * cuts a token there. Long texts are tested chunk by chunk with RE2's DFA (fast, no positions) and only matching chunks
 * are searched for positions, which costs the budget; exhausting it throws ScanBudgetError.
 */
export class LinearTokenFinder {
  private readonly search: RE2JS;
  private readonly probe: RE2JS;
  /** A character a match may follow (V8, built from the caller's constant class): where chunks may start and end. */
  private readonly edge: RegExp;

  /**
   * @param body the pattern, unanchored (a leading `^` / trailing `$` already removed by the caller)
   * @param before a character class the character before a match must not belong to (`[\p{L}\p{N}_]`)
   * @param after an alternation the text after a match must start with, or end of text (consumed, then given back)
   */
  constructor(
    readonly source: string,
    body: string,
    before: string,
    after: string,
    options: LinearOptions = {},
  ) {
    // The body is checked alone first, so an error names the caller's pattern, not the wrapper.
    compileLinear(body, options);
    this.search = compileLinear(`(?:(?<!${before})|(?<=[${UNSPACED_CLASS_RE2}]))(${body})(?:${after}|[${UNSPACED_CLASS_RE2}]|$)`, options);
    this.probe = this.search;
    this.edge = new RegExp(`[^${before.replace(/^\[|\]$/g, '')}]|[${UNSPACED_CLASS}]`, 'gu');
  }

  /** The first index at or after `from` (and before `to`) holding an edge character, or -1. */
  private edgeAfter(text: string, from: number, to: number): number {
    this.edge.lastIndex = from;
    const found = this.edge.exec(text);
    return found !== null && found.index < to ? found.index : -1;
  }

  /** Whether the text holds at least one match (DFA only: cheap, linear). */
  test(text: string): boolean {
    return this.probe.test(text);
  }

  find(text: string, budget?: ScanBudget, limit = 4_096): FoundToken[] {
    const found: FoundToken[] = [];
    if (text.length <= CHUNK) {
      if (this.test(text)) this.collect(text, 0, 0, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, budget, found, limit);
      return found;
    }
    for (let start = 0; start < text.length && found.length < limit; start += CHUNK) {
      // A chunk starts on an edge character: a match can only start after one, and the engine must not
      // take the cut for an edge. A stretch with no edge character at all holds no match (skipped).
      let from = 0;
      if (start > 0) {
        from = this.edgeAfter(text, start - OVERLAP, start + CHUNK);
        if (from < 0) continue;
      }
      const to = Math.min(text.length, start + CHUNK + OVERLAP);
      if (from >= to) continue;
      const chunk = text.slice(from, to);
      if (!this.test(chunk)) continue;
      // A chunk owns the matches that start inside it; the overlaps only let them end (and be preceded) truly.
      this.collect(chunk, from, start - from, start - from + CHUNK, to === text.length ? Number.POSITIVE_INFINITY : to - from, budget, found, limit);
    }
    return found;
  }

  /** Matches of `text` (at `offset` in the whole) starting in [`first`, `last`), ending before `cut` (a chunk edge is no boundary). */
  private collect(text: string, offset: number, first: number, last: number, cut: number, budget: ScanBudget | undefined, found: FoundToken[], limit: number): void {
    const charge = (cost: number) => {
      if (!budget) return;
      if (budget.chars < cost) throw new ScanBudgetError(`searching for ids of pattern ${this.source} exceeds the scan budget (limits.maxPatternScanChars)`);
      budget.chars -= cost;
    };
    charge(text.length);
    const matcher = this.search.matcher(text);
    // find() continues where the last match ended: the trailing edge it consumed is only looked behind at.
    while (found.length < limit && matcher.find()) {
      const start = matcher.start(1);
      const end = matcher.end(1);
      charge(MATCH_COST);
      if (end > start && start >= first && start < last && end < cut) found.push({ token: text.slice(start, end), index: offset + start });
    }
  }
}
