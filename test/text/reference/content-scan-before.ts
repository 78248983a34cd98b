import { forEachToken, normalizeId } from '../../../src/text/tokens.js';
import { isIdName } from '../../../src/text/id-names.js';
import { parseJsonText } from '../../../src/text/json-text.js';
import { combine, hashString } from '../../../src/text/hash.js';
import { isVolatile } from '../../../src/text/volatile.js';
import type { InjectionFinding, InjectionScanner } from '../../../src/text/injection.js';

/** A value found under a key the session watches (an entity kind), for the entity-mismatch check. */
export interface KeyedValue {
  /** The watched key it matched, normalized (`customerid`). */
  key: string;
  value: string;
  path: string;
}

/** Everything the checks need from one piece of content, gathered in a single pass over it. */
export interface ContentScan {
  /** Normalized id-like tokens in strings, object keys and numbers. */
  tokens: Set<string>;
  keyed: KeyedValue[];
  /** Values found under id-named keys (`order_id`, `id`, `userIds`): examples of the session's id shapes. */
  idValues: string[];
  injections: InjectionFinding[];
  /** The content's string fields joined by line breaks, in document order: what injection rules and detectors read (joined on first read). */
  text: string;
  /** The value with JSON-in-a-string expanded (tool results often arrive as JSON text); parsed on first read for large text. */
  parsed: unknown;
  truncated: boolean;
  /**
   * Structural hash of the content, per-request noise (nonces, request timestamps) masked: equal for
   * equal values whatever their key order, and for a JSON text and the object it holds.
   */
  hash: number;
  /** Token occurrences left out because the token cap was reached (0 when none). */
  droppedTokens: number;
}

export interface ScanOptions {
  /** Keys whose values are collected (normalized: `customerid`); a Set or a Map's keys. */
  watchedKeys: { has(key: string): boolean; readonly size: number };
  injection?: InjectionScanner;
  maxDepth: number;
  maxTokens: number;
}

/** `customer_id`, `customerId`, `Customer-ID` all become `customerid`. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Distinct tokens a session keeps from one piece of content (a tool result, retrieved text). A huge
 * result's tokens past this are dropped, counted (`droppedTokens`), and named in the evidence of a
 * hallucination flag that one of them might have explained.
 */
export const MAX_CONTENT_TOKENS = 10_000;

const MAX_ID_VALUES = 256;
const MAX_INJECTIONS = 16;
/** Text gathered before tokens and injections are looked for in it: one regex pass per chunk, not per value. */
const CHUNK_CHARS = 64 * 1024;
/** Values are joined with a separator no token, line-start rule or gap of the injection rules crosses. */
const SEPARATOR = '\n\u0000\n';
/** JSON text at least this long is read by the streaming lexer (no JSON.parse block, no object tree). */
const LEX_THRESHOLD = 256 * 1024;
/** Strings inside a value expanded as JSON only up to this length; longer ones are scanned as text. */
const MAX_NESTED_JSON = 1024 * 1024;
/** Time one synchronous slice of a scan may take before it yields (async scans only). */
export const SCAN_SLICE_MS = 8;

const NON_ASCII = /[^\x00-\x7f]/;
const ASCII_TOKEN = /[a-z0-9_\-.#@]+/g;
const MASKED = 0x5bd1e995;
const TRUE_HASH = 0x27d4eb2f;
const FALSE_HASH = 0x165667b1;
const NULL_HASH = 0x61c88647;
const ARRAY_HASH = 0x5f356495;
const OBJECT_HASH = 0x2545f491;

const normalizedKeys = new Map<string, string>();
function normalizedKey(key: string): string {
  let normalized = normalizedKeys.get(key);
  if (normalized === undefined) {
    normalized = normalizeKey(key);
    if (normalizedKeys.size < 4_096) normalizedKeys.set(key, normalized);
  }
  return normalized;
}

const idNames = new Map<string, boolean>();
function idName(key: string): boolean {
  let known = idNames.get(key);
  if (known === undefined) {
    known = isIdName(key);
    if (idNames.size < 4_096) idNames.set(key, known);
  }
  return known;
}

/** One open object or array: where the walk (or the lexer) is inside it. */
interface Level {
  array: boolean;
  /** The key the container sits under (array items keep it). */
  key: string | undefined;
  parentKey: string | undefined;
  depth: number;
  pathHash: number;
  /** Its own path segment in its parent; `undefined` for the root. */
  segment: string | undefined;
  /** Walk: the container and its keys; lexer: unused. */
  node: unknown;
  keys: string[] | undefined;
  /** Walk: next member or item; lexer: index of the current item. */
  index: number;
  /** Lexer: the member key just read, and whether a key is expected next. */
  member: string | undefined;
  memberHash: number;
  expectKey: boolean;
}

/** Text waiting for the token and injection pass; a slice of one long leaf carries its hash state. */
interface Chunk {
  text: string;
  /** String fields joined by line breaks, for the injection rules (not tokens). */
  strings?: true;
  /** For slices of one long leaf: the leaf's path hash, and whether this is its last slice. */
  leafPath?: number;
  last?: boolean;
}

interface Slot {
  key: string | undefined;
  parentKey: string | undefined;
  depth: number;
  pathHash: number;
  segment: string | undefined;
}

const ROOT_SLOT: Slot = { key: undefined, parentKey: undefined, depth: 0, pathHash: 0, segment: undefined };

/**
 * A resumable, single-pass scanner: values are visited once (object walk, or a lexer over large
 * JSON text), their text gathered into chunks that are tokenized and checked for injections with
 * one regex pass each. No path string is built per value, only for the values a watched key matched.
 */
class ContentScanner {
  readonly tokens = new Set<string>();
  readonly keyed: KeyedValue[] = [];
  readonly idValues: string[] = [];
  readonly injections: InjectionFinding[] = [];
  truncated = false;
  dropped = 0;
  hash = 0;
  private readonly levels: Level[] = [];
  /** Keys met so far and their hashes: a key's text is tokenized once per scan, however often it repeats. */
  private keyHashes: Map<string, number> | undefined;
  private parts: string[] = [];
  private partChars = 0;
  /** String fields, in document order: injection rules read them joined by line breaks, so a split instruction is still seen. */
  private readonly strings: string[] = [];
  private stringsSealed = 0;
  private stringChars = 0;
  private chunks: Chunk[] = [];
  private nextChunk = 0;
  private leafHash = 0;
  private text: string | undefined;
  private position = 0;
  private rootValue: unknown;
  private lexed = false;
  /** Lexer: JSON text inside a string value is walked above this many (lexer) levels. */
  private nestedWalk = false;
  private walkFloor = 0;

  constructor(
    value: unknown,
    private readonly options: ScanOptions,
  ) {
    if (typeof value === 'string' && value.length >= LEX_THRESHOLD && /^\s*[[{]/.test(value.slice(0, 64))) {
      this.text = value;
      this.lexed = true;
      this.rootValue = value;
    } else {
      const root = typeof value === 'string' ? (parseJsonText(value) ?? value) : value;
      this.rootValue = root;
      this.visit(root, ROOT_SLOT, true);
    }
  }

  /** Works until done (true) or until `deadline` (performance-clock ms) passes (false). */
  run(deadline = Infinity): boolean {
    for (let round = 1; ; round += 1) {
      if (this.nextChunk < this.chunks.length) this.process(this.chunks[this.nextChunk++]!);
      else if (this.nestedWalk && this.levels.length > this.walkFloor) this.walkSome(1_024, this.walkFloor);
      else if (this.text !== undefined) {
        this.nestedWalk = false;
        this.lexSome(CHUNK_CHARS);
      }
      else if (this.levels.length > 0) this.walkSome(1_024, 0);
      else {
        this.seal();
        this.sealStrings();
        if (this.nextChunk < this.chunks.length) continue;
        return true;
      }
      if (this.nextChunk >= this.chunks.length && this.nextChunk > 0) {
        this.chunks = [];
        this.nextChunk = 0;
      }
      if (round % 2 === 0 && performance.now() > deadline) return false;
    }
  }

  result(): ContentScan {
    const lexed = this.lexed;
    const root = this.rootValue;
    let parsed: unknown;
    let parsedRead = false;
    const strings = this.strings;
    let joined: string | undefined;
    return {
      tokens: this.tokens,
      keyed: this.keyed,
      idValues: this.idValues,
      injections: this.injections,
      get text() {
        return (joined ??= strings.join('\n'));
      },
      get parsed() {
        if (!parsedRead) {
          parsed = lexed ? (parseJsonText(root as string) ?? root) : root;
          parsedRead = true;
        }
        return parsed;
      },
      truncated: this.truncated,
      hash: this.hash,
      droppedTokens: this.dropped,
    };
  }

  // ---- visiting values -------------------------------------------------------------------

  /** One value: a leaf is recorded; a container (or JSON text inside a string) opens a level. */
  private visit(node: unknown, slot: Slot, root: boolean): void {
    // (Updated with the scanner: deeper than maxDepth, values are read for tokens and injections only.)
    if (slot.depth > this.options.maxDepth) this.truncated = true;
    switch (typeof node) {
      case 'string': {
        const nested = !root && node.length <= MAX_NESTED_JSON ? parseJsonText(node) : undefined;
        if (nested !== undefined) this.visit(nested, { ...slot, depth: slot.depth + 1 }, false);
        else this.leaf(node, node, slot);
        return;
      }
      case 'number':
        this.leaf(String(node), node, slot);
        return;
      case 'boolean':
        this.hash = (this.hash + combine(slot.pathHash, node ? TRUE_HASH : FALSE_HASH)) | 0;
        return;
      case 'object':
        if (node === null) this.hash = (this.hash + combine(slot.pathHash, NULL_HASH)) | 0;
        else if (Array.isArray(node)) this.open(true, slot, node, undefined);
        else this.open(false, slot, node, Object.keys(node));
        return;
      default:
        return;
    }
  }

  private open(array: boolean, slot: Slot, node: unknown, keys: string[] | undefined): void {
    this.hash = (this.hash + combine(slot.pathHash, array ? ARRAY_HASH : OBJECT_HASH)) | 0;
    this.levels.push({ array, key: slot.key, parentKey: slot.parentKey, depth: slot.depth, pathHash: slot.pathHash, segment: slot.segment, node, keys, index: 0, member: undefined, memberHash: 0, expectKey: !array });
  }

  /** Visits up to `limit` values of the walk, never below level `floor` (the lexer's own levels). */
  private walkSome(limit: number, floor: number): void {
    for (let visited = 0; visited < limit && this.levels.length > floor; visited += 1) {
      const level = this.levels[this.levels.length - 1]!;
      if (level.array) {
        const items = level.node as unknown[];
        if (level.index >= items.length) {
          this.levels.pop();
          continue;
        }
        const index = level.index++;
        this.visit(items[index], { key: level.key, parentKey: level.parentKey, depth: level.depth + 1, pathHash: combine(level.pathHash, index), segment: String(index) }, false);
      } else {
        const keys = level.keys!;
        if (level.index >= keys.length) {
          this.levels.pop();
          continue;
        }
        const member = keys[level.index++]!;
        this.visit((level.node as Record<string, unknown>)[member], { key: member, parentKey: level.key, depth: level.depth + 1, pathHash: combine(level.pathHash, this.keyHash(member)), segment: member }, false);
      }
    }
  }

  /** The hash of a member key; its text goes to the token pass the first time it is met. */
  private keyHash(key: string): number {
    const known = (this.keyHashes ??= new Map());
    let hash = known.get(key);
    if (hash === undefined) {
      hash = hashString(key);
      if (known.size < 4_096) known.set(key, hash);
      this.gather(key);
      // (Updated with the scanner: a key with a space is read by the injection rules like a value.)
      if (/\s/.test(key)) this.addString(key);
    }
    return hash;
  }

  /** A string or number leaf: its text for tokens and injections, id examples, watched keys, hash. */
  private leaf(text: string, value: string | number, slot: Slot): void {
    const { key } = slot;
    if (typeof value === 'string') this.addString(text);
    if (text.length > CHUNK_CHARS) {
      // A long leaf: hashed slice by slice as its chunks are processed, never in one block.
      this.gatherLong(text, slot.pathHash);
    } else {
      this.gather(text);
      const valueHash = isVolatile(key, value) ? MASKED : hashString(text, typeof value === 'number' ? 0x3c6ef372 : 0x811c9dc5);
      this.hash = (this.hash + combine(slot.pathHash, valueHash)) | 0;
    }
    if (key === undefined || slot.depth > this.options.maxDepth) return;
    if (this.idValues.length < MAX_ID_VALUES && idName(key)) this.idValues.push(text);
    const watched = this.options.watchedKeys;
    if (watched.size === 0) return;
    const normalized = normalizedKey(key);
    let match: string | undefined;
    if (watched.has(normalized)) match = normalized;
    else if (normalized === 'id' && slot.parentKey !== undefined) {
      const combined = `${normalizedKey(slot.parentKey)}id`;
      if (watched.has(combined)) match = combined;
    }
    if (match !== undefined) this.keyed.push({ key: match, value: text, path: this.pathTo(slot.segment) });
  }

  /** The JSON pointer of the value being visited: built only for the values that need one. */
  private pathTo(segment: string | undefined): string {
    let path = '';
    for (const level of this.levels) if (level.segment !== undefined) path += `/${level.segment}`;
    return segment === undefined ? path : `${path}/${segment}`;
  }

  private addString(text: string): void {
    this.strings.push(text);
    this.stringChars += text.length + 1;
    if (this.stringChars >= CHUNK_CHARS) this.sealStrings();
  }

  /** The string fields not yet checked for injections, as one chunk (a long field in slices). */
  private sealStrings(): void {
    if (this.stringsSealed >= this.strings.length) return;
    const text = this.strings.slice(this.stringsSealed).join('\n');
    this.stringsSealed = this.strings.length;
    this.stringChars = 0;
    for (let start = 0; start < text.length; start += CHUNK_CHARS * 4) this.chunks.push({ text: text.slice(start, start + CHUNK_CHARS * 4), strings: true });
  }

  private gather(text: string): void {
    this.parts.push(text);
    this.partChars += text.length + 3;
    if (this.partChars >= CHUNK_CHARS) this.seal();
  }

  private gatherLong(text: string, pathHash: number): void {
    this.seal();
    for (let start = 0; start < text.length; ) {
      let end = Math.min(text.length, start + CHUNK_CHARS);
      // Cut where no token is, so a token is rarely split in two. (Updated with the scanner: at any ASCII
      // character no token holds, a comma say, where this cut at spaces only and split comma lists of ids.)
      if (end < text.length) {
        let between = end;
        while (between > start + CHUNK_CHARS / 2 && !/[^A-Za-z0-9_.\-@#\u0080-\uffff]/.test(text[between]!)) between -= 1;
        if (between > start + CHUNK_CHARS / 2) end = between;
      }
      this.chunks.push({ text: text.slice(start, end), leafPath: pathHash, last: end >= text.length });
      start = end;
    }
  }

  /** Seals the gathered values into one chunk, joined with the separator. */
  private seal(): void {
    if (this.parts.length === 0) return;
    this.chunks.push({ text: this.parts.length === 1 ? this.parts[0]! : this.parts.join(SEPARATOR) });
    this.parts = [];
    this.partChars = 0;
  }

  /** Tokens and injections of one chunk, one regex pass each. */
  private process(chunk: Chunk): void {
    const { text } = chunk;
    if (chunk.leafPath !== undefined) {
      this.leafHash = hashString(text, this.leafHash === 0 ? 0x811c9dc5 : this.leafHash);
      if (chunk.last) {
        this.hash = (this.hash + combine(chunk.leafPath, this.leafHash)) | 0;
        this.leafHash = 0;
      }
    }
    if (chunk.strings) {
      const injection = this.options.injection;
      if (injection && this.injections.length < MAX_INJECTIONS) {
        for (const finding of injection.scan(text)) if (this.injections.length < MAX_INJECTIONS) this.injections.push(finding);
      }
      return;
    }
    if (NON_ASCII.test(text)) {
      forEachToken(text, (token) => this.addToken(token));
      return;
    }
    // ASCII: lower-casing the chunk once is exact, and most tokens then need no normalizing at all.
    const lower = text.toLowerCase();
    ASCII_TOKEN.lastIndex = 0;
    for (let match = ASCII_TOKEN.exec(lower); match !== null; match = ASCII_TOKEN.exec(lower)) {
      const raw = match[0];
      const first = raw.charCodeAt(0);
      const last = raw.charCodeAt(raw.length - 1);
      const edged = first === 46 || first === 45 || first === 64 || first === 35 || last === 46 || last === 45 || last === 64 || last === 35;
      const token = edged || raw.length > 256 ? normalizeId(raw) : raw;
      if (token === undefined) continue;
      this.addToken(token);
      if (token.includes('.') || token.includes('@')) {
        for (const part of token.split(/[.@]/)) {
          const normalized = normalizeId(part);
          if (normalized !== undefined && normalized !== token) this.addToken(normalized);
        }
      }
    }
  }

  private addToken(token: string): void {
    // A long token is a slice of its whole chunk: copied, so a kept id never pins the chunk in memory.
    if (this.tokens.size < this.options.maxTokens) this.tokens.add(token.length >= 13 && !this.tokens.has(token) ? flatCopy(token) : token);
    else if (!this.tokens.has(token)) {
      this.truncated = true;
      this.dropped += 1;
    }
  }

  // ---- the lexer for large JSON text -------------------------------------------------------

  /** Reads about `limit` characters of JSON text, visiting its values as the walk would. */
  private lexSome(limit: number): void {
    const text = this.text!;
    const end = Math.min(text.length, this.position + limit);
    let index = this.position;
    while (index < end) {
      const code = text.charCodeAt(index);
      if (code === 32 || code === 10 || code === 13 || code === 9) {
        index += 1;
        continue;
      }
      const level = this.levels[this.levels.length - 1];
      if (code === 123 || code === 91) {
        // { or [
        const slot = this.slot(level);
        // (Updated with the scanner: past maxDepth the lexer reads on, to a depth of 1,024.)
        if (slot.depth > this.options.maxDepth && slot.depth > 1_024) return this.notJson();
        this.open(code === 91, slot, undefined, undefined);
        index += 1;
        continue;
      }
      if (code === 125 || code === 93) {
        // } or ]
        if (!level || level.array !== (code === 93)) return this.notJson();
        this.levels.pop();
        this.advance();
        index += 1;
        if (this.levels.length === 0) return this.lexDone(index);
        continue;
      }
      if (!level) return this.notJson();
      if (code === 44) {
        // ,
        if (!level.array) level.expectKey = true;
        index += 1;
        continue;
      }
      if (code === 58) {
        // :
        level.expectKey = false;
        index += 1;
        continue;
      }
      if (code === 34) {
        const close = closingQuote(text, index + 1);
        if (close === -1) return this.notJson();
        let value = text.slice(index + 1, close);
        if (value.includes('\\')) {
          try {
            value = JSON.parse(text.slice(index, close + 1)) as string;
          } catch {
            return this.notJson();
          }
        }
        index = close + 1;
        if (!level.array && level.expectKey) {
          level.member = value;
          level.memberHash = this.keyHash(value);
          continue;
        }
        const slot = this.slot(level);
        this.advance();
        this.lexedString(value, slot);
        if (this.nestedWalk) {
          // The nested value is walked (in slices) before the lexer reads on.
          this.position = index;
          return;
        }
        continue;
      }
      // A number or a literal.
      let stop = index + 1;
      while (stop < text.length) {
        const next = text.charCodeAt(stop);
        if (next === 44 || next === 125 || next === 93 || next === 32 || next === 10 || next === 13 || next === 9) break;
        stop += 1;
      }
      const literal = text.slice(index, stop);
      const slot = this.slot(level);
      if (literal === 'true' || literal === 'false') this.hash = (this.hash + combine(slot.pathHash, literal === 'true' ? TRUE_HASH : FALSE_HASH)) | 0;
      else if (literal === 'null') this.hash = (this.hash + combine(slot.pathHash, NULL_HASH)) | 0;
      else {
        const number = Number(literal);
        if (literal === '' || Number.isNaN(number)) return this.notJson();
        this.leaf(String(number), number, slot);
      }
      this.advance();
      index = stop;
    }
    this.position = index;
    if (index >= text.length) this.notJson();
  }

  /** Where the next value inside `level` goes: its key, depth, path hash and segment. */
  private slot(level: Level | undefined): Slot {
    if (!level) return ROOT_SLOT;
    if (level.array) return { key: level.key, parentKey: level.parentKey, depth: level.depth + 1, pathHash: combine(level.pathHash, level.index), segment: String(level.index) };
    const member = level.member ?? '';
    return { key: member, parentKey: level.key, depth: level.depth + 1, pathHash: combine(level.pathHash, level.memberHash), segment: member };
  }

  private advance(): void {
    const level = this.levels[this.levels.length - 1];
    if (level?.array) level.index += 1;
  }

  /** A string value met by the lexer: JSON text inside it is walked now, like any nested JSON. */
  private lexedString(value: string, slot: Slot): void {
    const nested = value.length <= MAX_NESTED_JSON ? parseJsonText(value) : undefined;
    if (nested === undefined) {
      this.leaf(value, value, slot);
      return;
    }
    this.walkFloor = this.levels.length;
    this.visit(nested, { ...slot, depth: slot.depth + 1 }, false);
    this.nestedWalk = this.levels.length > this.walkFloor;
  }

  private lexDone(index: number): void {
    if (this.text!.slice(index).trim() !== '') return this.notJson();
    this.position = index;
    this.text = undefined;
  }

  /** Not JSON after all (or an unclosed container at the end): scan the whole text as one string. */
  private notJson(): void {
    const text = this.text!;
    this.text = undefined;
    this.lexed = false;
    this.levels.length = 0;
    this.parts = [];
    this.partChars = 0;
    this.chunks = [];
    this.nextChunk = 0;
    this.leafHash = 0;
    this.nestedWalk = false;
    this.tokens.clear();
    this.keyed.length = 0;
    this.idValues.length = 0;
    this.injections.length = 0;
    this.strings.length = 0;
    this.stringsSealed = 0;
    this.stringChars = 0;
    this.truncated = false;
    this.dropped = 0;
    this.hash = 0;
    this.rootValue = text;
    this.leaf(text, text, ROOT_SLOT);
  }
}

/** A copy of a string that shares no memory with the string it was sliced from. */
function flatCopy(text: string): string {
  return (' ' + text).slice(1);
}

/** The index of the quote closing a JSON string whose content starts at `from`, or -1. */
function closingQuote(text: string, from: number): number {
  let index = text.indexOf('"', from);
  while (index !== -1) {
    let backslashes = 0;
    for (let back = index - 1; back >= from && text.charCodeAt(back) === 92; back -= 1) backslashes += 1;
    if (backslashes % 2 === 0) return index;
    index = text.indexOf('"', index + 1);
  }
  return -1;
}

/**
 * One linear pass over a JSON value: tokens for the ledger, values under watched keys, injection
 * findings, a structural hash. Depth and token count are bounded; past them the scan stops and says so.
 */
export function scanContent(value: unknown, options: ScanOptions): ContentScan {
  const scanner = new ContentScanner(value, options);
  scanner.run();
  return scanner.result();
}

/**
 * The same scan, in slices of about `SCAN_SLICE_MS` with a yield between them, so content of any
 * size never blocks the event loop for long. Content that fits in one slice is scanned synchronously
 * and returned as is (no promise), so small results stay on the fast path.
 */
export function scanContentSliced(value: unknown, options: ScanOptions, sliceMs = SCAN_SLICE_MS): ContentScan | Promise<ContentScan> {
  const scanner = new ContentScanner(value, options);
  if (scanner.run(performance.now() + sliceMs)) return scanner.result();
  return new Promise<ContentScan>((resolve, reject) => {
    const step = () => {
      try {
        if (scanner.run(performance.now() + sliceMs)) resolve(scanner.result());
        else setImmediate(step);
      } catch (error) {
        reject(error);
      }
    };
    setImmediate(step);
  });
}
