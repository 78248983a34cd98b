import { TOKEN_CLASS, tokenRunAt, visitToken } from './tokens.js';
import { runInSlices } from './in-slices.js';
import { isIdName } from './id-names.js';
import { parseJsonText } from './json-text.js';
import { combine, finalize, hashBytes } from './hash.js';
import { keyClass, looksVolatile } from './volatile.js';
import { TokenTable, TOKEN_HASH_SEED, spanHash, tokenHash } from './token-table.js';
import { isAnchorWordRun, isLeetAnchorRun, MIN_BASE64_RUN, opensCode, type InjectionFinding, type InjectionScanner } from './injection.js';
import { CodeUnits, codeUnits } from './code-units.js';
import { hasToJSON, JsonFormBuilder, prototypesHaveToJSON } from './json-form.js';
import type { SlicedWork } from './in-slices.js';

/** A value found under a key the session watches (an entity kind), for the entity-mismatch check. */
export interface KeyedValue {
  /** The watched key it matched, normalized (`customerid`). */
  key: string;
  value: string;
  path: string;
}

/** Everything the checks need from one piece of content, gathered in a single pass over it. */
export interface ContentScan {
  /** Normalized id-like tokens in strings, object keys and numbers (a set built on first read). */
  tokens: Set<string>;
  /** The same tokens in the order met: what the session's ledger takes (no set needed to iterate). */
  tokenList: readonly string[];
  keyed: KeyedValue[];
  /** Values found under id-named keys (`order_id`, `id`, `userIds`): examples of the session's id shapes. */
  idValues: string[];
  injections: InjectionFinding[];
  /**
   * The content's string fields joined by line breaks, in document order, up to MAX_TEXT_CHARS characters
   * (a prefix of the whole): what injection detectors read (joined on first read). The injection rules
   * read every field, in chunks, as the scan goes.
   */
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
  /**
   * Why the content could not be read whole, when it could not: an object holding itself (a back-reference of an
   * ORM row or an HTTP response), more values than MAX_WALKED_VALUES (references shared so often that the
   * content, written out, is that large), or a getter or Proxy that throws. What was read before is in the rest.
   */
  problem?: string;
  /**
   * The content as JSON.stringify writes it, when a `toJSON` in it (a Date, a class instance) made that differ from
   * the value given: what was scanned, and what the event must carry instead (so every sink records it).
   */
  jsonForm?: { value: unknown };
}

export interface ScanOptions {
  /** Keys whose values are collected (normalized: `customerid`); a Set or a Map's keys. */
  watchedKeys: { has(key: string): boolean; readonly size: number };
  injection?: InjectionScanner;
  maxDepth: number;
  maxTokens: number;
  /**
   * Strings a recorder writes in place of what it could not write out (a reference cycle): content read
   * back from a trace that holds one was unreadable when it was live, and is reported so again.
   */
  unreadableMarkers?: ReadonlySet<string>;
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

/** Distinct tokens one piece of content (a result, a message) may add to a ledger of `ledgerSize` ids. */
export function contentTokenCap(ledgerSize: number): number {
  return Math.min(ledgerSize, MAX_CONTENT_TOKENS);
}

const MAX_ID_VALUES = 256;
/** Characters of the string fields `ContentScan.text` keeps: twice what a detector is given (32,768). */
export const MAX_TEXT_CHARS = 65_536;
const MAX_INJECTIONS = 16;
/**
 * Characters each string chunk repeats from the end of the one before: longer than any injection
 * rule's match, so an instruction cut by a chunk boundary (placed there on purpose, in a long field or
 * across two fields) is still read whole.
 */
const STRINGS_OVERLAP = 2_048;
/** The slice a long leaf is cut in for the token pass (slices of it: no copy). */
const CHUNK_CHARS = 64 * 1024;
/**
 * The most characters of string fields one chunk for the injection rules holds, past the overlap with
 * the one before: with it, under 128 KiB even as two-byte text. A string that size or larger is a large
 * object to V8, allocated on pages of its own, and on this kind of machine that costs about 4 ns a byte
 * (page faults), more than scanning it: a 1 MB page of prose once spent a third of its scan copying.
 */
export const STRING_CHUNK_CHARS = 60 * 1024;
/** String fields gathered before the injection rules read them (one pass per chunk, not per value). */
export const SEAL_CHARS = 48 * 1024;
/** JSON text at least this long is read by the streaming lexer (no JSON.parse block, no object tree). */
const LEX_THRESHOLD = 256 * 1024;
/** Strings inside a value expanded as JSON only up to this length; longer ones are scanned as text. */
const MAX_NESTED_JSON = 1024 * 1024;
/** Work between two looks at the clock: small enough that a slice overruns its time by well under a millisecond. */
const WALK_BATCH = 256;
const LEX_BATCH = 16 * 1024;
/** Leaves at least this long are tokenized from a typed array of their code units; shorter ones by `charCodeAt`. */
const UNITS_MIN_CHARS = 256;
/** Lexer: code units of the JSON text read into a typed array at a time (a few lexer batches). */
const WINDOW_UNITS = 64 * 1024;
/** Lexer: the depth past which JSON text is read as plain text (its open levels are kept in memory). */
const MAX_LEXER_DEPTH = 1_024;
/** Lexer: member positions (per object) and depths whose last key is remembered for the in-place match. */
const KEY_POSITIONS = 16;
const MAX_KEY_DEPTH = 64;
/** Time one synchronous slice of a scan may take before it yields (async scans only). */
export const SCAN_SLICE_MS = 5;

/**
 * Distinct member keys a scan remembers. Records repeat a few dozen keys; past that, keys are mostly
 * met once (ids as keys: `item_17`), and remembering each cost more (a Map insert) than reading it again.
 */
const MAX_KEY_INFOS = 1_024;

const QUOTE_OR_BACKSLASH = /["\\]/;
const PROSE = /\s/;
/**
 * By UTF-16 code unit: 1 for a token character (`[A-Za-z0-9_]`), 2 for one trimmed at a token's edges
 * (`.`, `-`, `@`, `#`), 3 for a letter, mark or digit outside ASCII, for the full-width `＃－．＠＿` and for
 * surrogates (a token may hold it: `unicodeToken` reads that token, folded and cut at the letters of
 * scripts written without spaces as `visitToken` reads it), 0 or 4 otherwise: ASCII punctuation and
 * spaces, and outside ASCII punctuation, symbols and spaces (`—`, `’`, `…`, `→`, a no-break space), which end a
 * token as a comma does. 4 marks the separators an injection anchor or an encoding may start with or
 * hold (`<`, `[`, `]`, `+`, `/`; `&`, `*` and `%`, which normalizing may decode or remove) and every one
 * outside ASCII (`runMayAnchor`). Every code unit outside ASCII is 3 until the first one met classifies
 * them (`classifyNonAscii`); `unicodeToken` reads a separator right too, only more slowly.
 */
const TOKEN_CHARS = new Uint8Array(65_536).fill(3, 128);
for (let code = 0; code < 128; code += 1) {
  if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95) TOKEN_CHARS[code] = 1;
  else if (code === 46 || code === 45 || code === 64 || code === 35) TOKEN_CHARS[code] = 2;
  // (`&`, `*` and `%`: `&#73;gnore`, `Ig**no**re` and `%49gnore` are `Ignore` once the injection rules' normalizing reads them.)
  else if (code === 60 || code === 91 || code === 93 || code === 43 || code === 47 || code === 38 || code === 42 || code === 37) TOKEN_CHARS[code] = 4;
}
/** A separator kind (TOKEN_CHARS 0 or 4) has neither of these bits. */
const IN_TOKEN = 3;
/** TOKEN_CHARS' bit of the separators an anchor may start with, and of text outside ASCII. */
const ANCHOR_SEPARATOR = 4;
let nonAsciiClassified = false;

/**
 * Marks the code units outside ASCII that no token holds (`[^${TOKEN_CLASS}]`, as `forEachToken` reads
 * tokens) 4 in TOKEN_CHARS, once per process. Run when first needed, not at load: it costs a few
 * milliseconds, which ASCII-only work never pays.
 */
function classifyNonAscii(): void {
  if (nonAsciiClassified) return;
  nonAsciiClassified = true;
  const separators = new RegExp(`[^${TOKEN_CLASS}]+`, 'gu');
  for (const [from, to] of [[128, 0xd800], [0xe000, 0x10000]] as const) {
    const units = new Uint16Array(to - from);
    for (let index = 0; index < units.length; index += 1) units[index] = from + index;
    const text = Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString('utf16le');
    for (let match = separators.exec(text); match !== null; match = separators.exec(text)) TOKEN_CHARS.fill(ANCHOR_SEPARATOR, from + match.index, from + match.index + match[0].length);
    separators.lastIndex = 0;
  }
}
const MASKED = 0x5bd1e995;
/** `hashString` seeds: a string leaf (and a key) and a number leaf with the same text hash apart. */
const STRING_SEED = 0x811c9dc5;
const NUMBER_SEED = 0x3c6ef372;
/** Bytes hashed, at most (then their length only): a result's identity for loop detection, not a digest. */
const MAX_HASHED_BYTES = 1_048_576;
const BYTES_SEED = 0x2545f491;

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

/** What the scan needs to know of a member key, worked out once per key and scan. */
interface KeyInfo {
  hash: number;
  /** `keyClass`: 1 per-request noise, 2 an entity id, 0 nothing. */
  kind: 0 | 1 | 2;
  idName: boolean;
  /** `normalizeKey(key)`, worked out when a watched key is looked for. */
  normalized: string | undefined;
  /** Kept in the scan's key map: met again, the key is not tokenized again (past the map's cap it is). */
  remembered: boolean;
}

/** One open object or array: where the walk (or the lexer) is inside it. */
interface Level {
  array: boolean;
  /** The key the container sits under (array items keep it), and what it says. */
  key: string | undefined;
  info: KeyInfo | undefined;
  parentKey: string | undefined;
  depth: number;
  pathHash: number;
  /** Its own path segment in its parent (a key, or an array index); `undefined` for the root. */
  segment: string | number | undefined;
  /** Walk: the container and its keys; lexer: unused. */
  node: unknown;
  keys: string[] | undefined;
  /** Walk: next member or item; lexer: index of the current item, or of the member key read next. */
  index: number;
  /** Lexer: the member key just read, and whether a key is expected next. */
  member: string | undefined;
  memberInfo: KeyInfo | undefined;
  expectKey: boolean;
}

/** Text waiting for the token and injection pass; a slice of one long leaf carries its hash state. */
interface Chunk {
  text: string;
  /** String fields joined by line breaks, for the injection rules (not tokens). */
  strings?: true;
  /** For string chunks: how many characters at the start repeat the end of the chunk before (`STRINGS_OVERLAP`). */
  overlap?: number;
  /** A string chunk whose fields hold no injection anchor (or that no injection rules read): not joined (`text` is empty), not scanned. */
  anchorFree?: true;
  /** For slices of one long leaf: the leaf's path hash, and whether this is its last slice. */
  leafPath?: number;
  last?: boolean;
}

/** Where a value sits. One per scanner, refilled for every value (read at once, never kept). */
interface Slot {
  key: string | undefined;
  info: KeyInfo | undefined;
  parentKey: string | undefined;
  depth: number;
  pathHash: number;
  segment: string | number | undefined;
}

const NO_KEY: KeyInfo = { hash: 0, kind: 0, idName: false, normalized: undefined, remembered: false };

/**
 * Containers opened deeper than this are remembered while open: an object met again inside itself is a cycle (found
 * within its length past this depth), which the walk would follow forever. Shallower, no data pays for the check.
 */
const CYCLE_CHECK_DEPTH = 32;
/**
 * Values an object's walk reads at most (a 10 MB result of records holds about a million): an object can share one
 * child under many keys at every level, and its written-out size, what the walk reads, doubles with each.
 */
export const MAX_WALKED_VALUES = 4_000_000;

/** A problem that stops the walk (`ContentScan.problem`). */
class UnreadableContent extends Error {}
/** Thrown by the walk where a value has a `toJSON`: the scan goes on over the content's JSON form instead. */
const MET_TO_JSON = Symbol('toJSON met');

/**
 * A finished scan. A class, not an object literal with getters: one is made for every tool result, and
 * its getters (the token set, the joined text, the parsed value) live once on the prototype.
 */
class ScanResult implements ContentScan {
  readonly tokenList: readonly string[];
  readonly keyed: KeyedValue[];
  readonly idValues: string[];
  readonly injections: InjectionFinding[];
  readonly truncated: boolean;
  readonly hash: number;
  readonly droppedTokens: number;
  problem?: string;
  jsonForm?: { value: unknown };
  private tokenSet: Set<string> | undefined;
  private joined: string | undefined;
  private parsedValue: unknown;
  private parsedRead: boolean;

  constructor(
    list: readonly string[],
    scanner: { keyed: KeyedValue[]; idValues: string[]; injections: InjectionFinding[]; truncated: boolean; hash: number; dropped: number; problem: string | undefined },
    /** The string fields' start (`MAX_TEXT_CHARS`), joined when `text` is first read. */
    private readonly textParts: readonly string[],
    /** The JSON text the lexer read, parsed only when `parsed` is read; `undefined` when the value was walked. */
    private readonly lexedText: string | undefined,
    root: unknown,
  ) {
    this.tokenList = list;
    this.keyed = scanner.keyed;
    this.idValues = scanner.idValues;
    this.injections = scanner.injections;
    this.truncated = scanner.truncated;
    this.hash = scanner.hash;
    this.droppedTokens = scanner.dropped;
    if (scanner.problem !== undefined) this.problem = scanner.problem;
    this.tokenSet = undefined;
    this.joined = undefined;
    this.parsedRead = lexedText === undefined;
    this.parsedValue = lexedText === undefined ? root : undefined;
  }

  get tokens(): Set<string> {
    return (this.tokenSet ??= new Set(this.tokenList));
  }

  get text(): string {
    return (this.joined ??= this.textParts.join('\n'));
  }

  get parsed(): unknown {
    if (!this.parsedRead) {
      this.parsedValue = parseJsonText(this.lexedText!) ?? this.lexedText;
      this.parsedRead = true;
    }
    return this.parsedValue;
  }
}

/**
 * A resumable, single-pass scanner: values are visited once (object walk, or a lexer over large
 * JSON text) and tokenized as they are met, by character code; string fields are gathered into
 * chunks the injection rules read with one pass each, and a leaf longer than a chunk is tokenized
 * and hashed slice by slice. No path string is built per value, only for the values a watched key matched.
 */
class ContentScanner {
  private table = new TokenTable();
  readonly keyed: KeyedValue[] = [];
  readonly idValues: string[] = [];
  readonly injections: InjectionFinding[] = [];
  truncated = false;
  dropped = 0;
  hash = 0;
  problem: string | undefined;
  /** Whether the walk stopped at a value with a `toJSON` (what is read is then the JSON form: `scanContentSliced`). */
  metToJson = false;
  private readonly prototypesHaveToJSON = prototypesHaveToJSON();
  /** Values the walk has visited (bounded by MAX_WALKED_VALUES). */
  private walked = 0;
  /** Containers open deeper than CYCLE_CHECK_DEPTH. */
  private openDeep: Set<object> | undefined;
  private readonly levels: Level[] = [];
  /** Closed levels, reused by `open`: at most as many as were ever open at once. */
  private readonly spareLevels: Level[] = [];
  /** Keys met so far and their hashes: a key's text is tokenized once per scan, however often it repeats. */
  private keyInfos: Map<string, KeyInfo> | undefined;
  /** Lexer: the key last read at each depth and member position (`depth * KEY_POSITIONS + position`). */
  private lexedKeys: Array<{ key: string; info: KeyInfo } | undefined> | undefined;
  private readonly here: Slot = { key: undefined, info: undefined, parentKey: undefined, depth: 0, pathHash: 0, segment: undefined };
  /** String fields not yet sealed into a chunk for the injection rules (which read them joined by line breaks, so a split instruction is still seen). */
  private readonly strings: string[] = [];
  /** Entries of `strings` in use: the array is refilled in place, not emptied (emptied, it would grow again for every chunk). */
  private stringCount = 0;
  /** 1 when `strings[0]` is the tail of the last chunk (`stringsTail`), 0 before the first chunk. */
  private firstField: 0 | 1 = 0;
  private stringChars = 0;
  /**
   * The start of the string fields joined, for `text` (what detectors read): at most MAX_TEXT_CHARS. Keeping
   * every field of a 10 MB result alive until the scan ends made each young-generation GC copy them all.
   */
  private readonly textParts: string[] = [];
  private textChars = 0;
  /** The end of the last string chunk: the next one starts with it, so a rule match across the cut is whole in one of them. */
  private stringsTail = '';
  /** `stringChars` after the last field gathered that may hold an injection anchor (-1: none since the last seal). */
  private anchoredUpTo = -1;
  /** Whether `stringsTail` may hold an injection anchor. */
  private tailAnchored = false;
  /** Findings of the last string chunk (`kind@position`, positions counted from its overlap's start): met again in the overlap, not kept twice. */
  private tailFindings: Set<string> | undefined;
  private chunks: Chunk[] = [];
  private nextChunk = 0;
  private leafHash = 0;
  /** The tokenizers' hash of the text they last read whole (FNV-1a state, not finalized). */
  private wholeHash = 0;
  /**
   * Whether the tokenizers look for injection anchors in the next text (`runMayAnchor`, a separator
   * TOKEN_CHARS marks 4), and whether the text they last read may hold one (true when they did not look).
   */
  private anchorCheck = false;
  private mayAnchor = true;
  /** Whether the injection scanner reads only text holding an anchor (`InjectionScanner.onlyAnchored`): then chunks without one are skipped. */
  private readonly skipsAnchorFree: boolean;
  private text: string | undefined;
  /**
   * Lexer: a window of the JSON text's code units, [unitsStart, unitsEnd): the lexer reads the text, and
   * the token pass the string values wholly inside the window, from this array, not by `charCodeAt`.
   * Each scanner has its own buffer: sliced scans of several results take turns, and would overwrite a shared one.
   */
  private window: CodeUnits | undefined;
  private units: Uint16Array = new Uint16Array(0);
  private unitsStart = 0;
  private unitsEnd = 0;
  private position = 0;
  /** Lexer: where the next backslash at or after some earlier position is (the text's length when none). */
  private nextBackslash = -1;
  private rootValue: unknown;
  private lexed = false;
  /** Lexer: JSON text inside a string value is walked above this many (lexer) levels. */
  private nestedWalk = false;
  private walkFloor = 0;

  constructor(
    value: unknown,
    private readonly options: ScanOptions,
  ) {
    this.skipsAnchorFree = options.injection?.onlyAnchored === true;
    if (typeof value === 'string' && value.length >= LEX_THRESHOLD && /^\s*[[{]/.test(value.slice(0, 64))) {
      this.text = value;
      this.lexed = true;
      this.rootValue = value;
    } else {
      const root = typeof value === 'string' ? (parseJsonText(value) ?? value) : value;
      this.rootValue = root;
      try {
        this.visit(root, this.slot(undefined), true);
      } catch (error) {
        this.stop(error);
      }
    }
  }

  /** Works until done (true) or until `deadline` (performance-clock ms) passes (false). A problem ends the work (`problem`). */
  run(deadline = Infinity): boolean {
    try {
      return this.runSome(deadline);
    } catch (error) {
      this.stop(error);
      return true;
    }
  }

  /** Ends the walk on a problem: what was read stays; nothing more is read. */
  private stop(error: unknown): void {
    if (error === MET_TO_JSON) this.metToJson = true;
    else this.problem = error instanceof UnreadableContent ? error.message : `a value could not be read (${(error as Error)?.message ?? String(error)})`;
    this.levels.length = 0;
    this.openDeep = undefined;
    this.text = undefined;
    this.nestedWalk = false;
  }

  private runSome(deadline: number): boolean {
    for (;;) {
      if (this.nextChunk < this.chunks.length) this.process(this.chunks[this.nextChunk++]!);
      else if (this.nestedWalk && this.levels.length > this.walkFloor) this.walkSome(WALK_BATCH, this.walkFloor);
      else if (this.text !== undefined) {
        this.nestedWalk = false;
        this.lexSome(LEX_BATCH);
      }
      else if (this.levels.length > 0) this.walkSome(WALK_BATCH, 0);
      else {
        this.sealStrings();
        if (this.nextChunk < this.chunks.length) continue;
        return true;
      }
      if (this.nextChunk >= this.chunks.length && this.nextChunk > 0) {
        this.chunks = [];
        this.nextChunk = 0;
      }
      if (deadline !== Infinity && performance.now() > deadline) return false;
    }
  }

  result(): ContentScan {
    const list = this.table.tokens;
    // The scan is over: the table's arrays go to the next scan's table.
    this.table.release();
    return new ScanResult(list, this, this.textParts, this.lexed ? (this.rootValue as string) : undefined, this.rootValue);
  }

  // ---- visiting values -------------------------------------------------------------------

  /** One value: a leaf is recorded; a container (or JSON text inside a string) opens a level. */
  private visit(node: unknown, slot: Slot, root: boolean): void {
    // Deeper than maxDepth, values are still read for tokens and injections (a model reads them), but
    // give no keyed values or id examples: their paths would cost the depth each. (JSON text that deep is
    // read as plain text by the lexer instead.)
    if (slot.depth > this.options.maxDepth) this.truncated = true;
    if (++this.walked > MAX_WALKED_VALUES) throw new UnreadableContent(`it holds more than ${MAX_WALKED_VALUES} values, counting each shared reference as often as it is written out`);
    switch (typeof node) {
      case 'string': {
        if (this.options.unreadableMarkers?.has(node)) throw new UnreadableContent(`it was recorded as unreadable ("${node}" in the trace)`);
        const nested = !root && node.length <= MAX_NESTED_JSON ? parseJsonText(node) : undefined;
        if (nested !== undefined) {
          slot.depth += 1;
          this.visit(nested, slot, false);
        }
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
        if (node === null) {
          this.hash = (this.hash + combine(slot.pathHash, NULL_HASH)) | 0;
          return;
        }
        if (ArrayBuffer.isView(node)) {
          // Bytes (a Buffer, a typed array): one value, hashed by its bytes, never walked index by index (Object.keys
          // of a 2 MB Buffer held the event loop 700 ms). A model is handed them as numbers, if at all: no text to read.
          this.hash = (this.hash + combine(slot.pathHash, hashBytes(node, MAX_HASHED_BYTES, BYTES_SEED))) | 0;
          return;
        }
        // JSON.stringify, what a model is handed, writes what `toJSON` answers, not the object's own fields.
        if (hasToJSON(node, this.prototypesHaveToJSON)) throw MET_TO_JSON;
        if (slot.depth > CYCLE_CHECK_DEPTH) {
          if (this.openDeep?.has(node)) throw new UnreadableContent(`it holds itself (a reference cycle, met at depth ${slot.depth})`);
          (this.openDeep ??= new Set()).add(node);
        }
        if (Array.isArray(node)) this.open(true, slot, node, undefined);
        else this.open(false, slot, node, Object.keys(node));
        return;
      case 'function':
        // (Left out by JSON, unless it has a `toJSON`.)
        if (typeof (node as { toJSON?: unknown }).toJSON === 'function') throw MET_TO_JSON;
        return;
      default:
        return;
    }
  }

  private open(array: boolean, slot: Slot, node: unknown, keys: string[] | undefined): void {
    this.hash = (this.hash + combine(slot.pathHash, array ? ARRAY_HASH : OBJECT_HASH)) | 0;
    const level = this.spareLevels.pop();
    if (level === undefined) {
      this.levels.push({ array, key: slot.key, info: slot.info, parentKey: slot.parentKey, depth: slot.depth, pathHash: slot.pathHash, segment: slot.segment, node, keys, index: 0, member: undefined, memberInfo: undefined, expectKey: !array });
      return;
    }
    level.array = array;
    level.key = slot.key;
    level.info = slot.info;
    level.parentKey = slot.parentKey;
    level.depth = slot.depth;
    level.pathHash = slot.pathHash;
    level.segment = slot.segment;
    level.node = node;
    level.keys = keys;
    level.index = 0;
    level.member = undefined;
    level.memberInfo = undefined;
    level.expectKey = !array;
    this.levels.push(level);
  }

  /** Closes the innermost level; its object is kept for the next `open` (a result of records opens two per record). */
  private close(): void {
    const level = this.levels.pop()!;
    if (level.depth > CYCLE_CHECK_DEPTH && level.node !== undefined) this.openDeep?.delete(level.node as object);
    // Nothing of the value stays reachable from a spare level.
    level.node = undefined;
    level.keys = undefined;
    this.spareLevels.push(level);
  }

  /** Visits up to `limit` values of the walk, never below level `floor` (the lexer's own levels). */
  private walkSome(limit: number, floor: number): void {
    for (let visited = 0; visited < limit && this.levels.length > floor; visited += 1) {
      const level = this.levels[this.levels.length - 1]!;
      if (level.array) {
        const items = level.node as unknown[];
        if (level.index >= items.length) {
          this.close();
          continue;
        }
        const index = level.index++;
        this.visit(items[index], this.fill(level.key, level.info, level.parentKey, level.depth + 1, combine(level.pathHash, index), index), false);
        if (this.nextChunk < this.chunks.length) return;
      } else {
        const keys = level.keys!;
        if (level.index >= keys.length) {
          this.close();
          continue;
        }
        const member = keys[level.index++]!;
        const info = this.keyInfo(member);
        this.visit((level.node as Record<string, unknown>)[member], this.fill(member, info, level.key, level.depth + 1, combine(level.pathHash, info.hash), member), false);
        if (this.nextChunk < this.chunks.length) return;
      }
    }
  }

  /** What a member key says (hash, kinds); its text goes to the token pass the first time it is met. */
  private keyInfo(key: string): KeyInfo {
    const known = (this.keyInfos ??= new Map());
    let info = known.get(key);
    if (info === undefined) {
      // A key that is prose (it has a space) is read by the injection rules like a value: a model reads keys too.
      const prose = hasSpace(key);
      this.anchorCheck = prose && this.needsAnchorCheck(key.length);
      const hash = this.tokenize(key, STRING_SEED);
      info = { hash, kind: keyClass(key), idName: isIdName(key), normalized: undefined, remembered: known.size < MAX_KEY_INFOS };
      if (info.remembered) known.set(key, info);
      if (prose) this.addString(key, this.mayAnchor);
    }
    return info;
  }

  /** The scanner's one slot, filled for the next value. */
  private fill(key: string | undefined, info: KeyInfo | undefined, parentKey: string | undefined, depth: number, pathHash: number, segment: string | number | undefined): Slot {
    const slot = this.here;
    slot.key = key;
    slot.info = info;
    slot.parentKey = parentKey;
    slot.depth = depth;
    slot.pathHash = pathHash;
    slot.segment = segment;
    return slot;
  }

  /**
   * A string or number leaf: its text for tokens and injections, id examples, watched keys, hash.
   * `from`: where the lexer's code-unit window holds the text as it is (-1 when it does not).
   */
  private leaf(text: string, value: string | number, slot: Slot, from = -1): void {
    const { key } = slot;
    const info = slot.info ?? NO_KEY;
    if (text.length > CHUNK_CHARS) {
      // A long leaf: hashed slice by slice as its chunks are processed, never in one block (so it is
      // read by the injection rules before its slices are read for anchors).
      if (typeof value === 'string') this.addString(text, true);
      this.gatherLong(text, slot.pathHash);
    } else {
      this.anchorCheck = typeof value === 'string' && this.needsAnchorCheck(text.length);
      const textHash = this.tokenize(text, typeof value === 'number' ? NUMBER_SEED : STRING_SEED, from);
      if (typeof value === 'string') this.addString(text, this.mayAnchor);
      // As isVolatile(key, value): noise by its key, or by its look unless its key names an entity.
      const valueHash = info.kind === 1 || (info.kind === 0 && looksVolatile(value)) ? MASKED : textHash;
      this.hash = (this.hash + combine(slot.pathHash, valueHash)) | 0;
    }
    if (key === undefined || slot.depth > this.options.maxDepth) return;
    if (this.idValues.length < MAX_ID_VALUES && info.idName) this.idValues.push(text);
    const watched = this.options.watchedKeys;
    if (watched.size === 0) return;
    const normalized = (info.normalized ??= normalizedKey(key));
    let match: string | undefined;
    if (watched.has(normalized)) match = normalized;
    else if (normalized === 'id' && slot.parentKey !== undefined) {
      const combined = `${normalizedKey(slot.parentKey)}id`;
      if (watched.has(combined)) match = combined;
    }
    if (match !== undefined) this.keyed.push({ key: match, value: text, path: this.pathTo(slot.segment) });
  }

  /** The JSON pointer of the value being visited: built only for the values that need one. */
  private pathTo(segment: string | number | undefined): string {
    let path = '';
    for (const level of this.levels) if (level.segment !== undefined) path += `/${level.segment}`;
    return segment === undefined ? path : `${path}/${segment}`;
  }

  /**
   * Whether it is worth looking for anchors in the next string field, `length` long: the injection rules
   * skip chunks without any, and when the chunk being gathered already holds one, only a field that may
   * end in its last STRINGS_OVERLAP characters (where the next chunk starts) is worth it.
   */
  private needsAnchorCheck(length: number): boolean {
    if (!this.skipsAnchorFree) return false;
    return (this.anchoredUpTo < 0 && !this.tailAnchored) || this.stringChars + length + 1 > SEAL_CHARS - STRINGS_OVERLAP;
  }

  /** A string field for the injection rules; `mayAnchor`: whether the token pass saw it may hold an anchor. */
  private addString(text: string, mayAnchor: boolean): void {
    this.strings[this.stringCount++] = text;
    this.stringChars += text.length + 1;
    if (mayAnchor) this.anchoredUpTo = this.stringChars;
    if (this.textChars < MAX_TEXT_CHARS) {
      const room = MAX_TEXT_CHARS - this.textChars;
      this.textParts.push(text.length > room ? text.slice(0, room) : text);
      this.textChars += Math.min(text.length, room) + 1;
    }
    if (this.stringChars >= SEAL_CHARS) this.sealStrings();
  }

  /**
   * The string fields not yet checked for injections, as one chunk (a long field in slices), the tail of
   * the chunk before first (fields go on joined by a line break across chunks, as inside one).
   */
  private sealStrings(): void {
    if (this.stringCount === this.firstField) return;
    const strings = this.strings;
    const overlap = this.firstField === 1 ? strings[0]!.length + 1 : 0;
    const reads = this.options.injection !== undefined;
    if (!reads || (this.skipsAnchorFree && !this.tailAnchored && this.anchoredUpTo < 0)) {
      // No field holds an anchor (nor the tail it starts with): the rules would find nothing. (Or no rules
      // read it: triage.) Nothing is joined; the next chunk starts with this one's end all the same, in case it holds one.
      strings.length = this.stringCount;
      this.chunks.push({ text: '', strings: true, anchorFree: true });
      this.stringsTail = reads ? this.lastCharacters(STRINGS_OVERLAP) : '';
    } else if (this.stringChars - 1 <= STRING_CHUNK_CHARS) {
      // The usual case: one chunk, joined in one copy. (Entries past the count are fields of an earlier
      // chunk: the array keeps its capacity.)
      strings.length = this.stringCount;
      const text = strings.join('\n');
      this.chunks.push({ text, strings: true, overlap });
      this.stringsTail = text.slice(-STRINGS_OVERLAP);
      // The next chunk's overlap may hold an anchor if the last field that may, or the tail this one started with, reaches into it.
      const tailStart = text.length - STRINGS_OVERLAP;
      this.tailAnchored = (this.anchoredUpTo >= 0 && overlap + this.anchoredUpTo - 1 > tailStart) || (this.tailAnchored && overlap - 1 > tailStart);
    } else {
      // A long field: the list is sealed as soon as it passes SEAL_CHARS, so only its last field can be
      // long. The others are joined; the long one is read in slices of its own, never copied whole.
      const last = strings[this.stringCount - 1]!;
      strings.length = this.stringCount - 1;
      const head = strings.join('\n');
      // Where `last` starts in the fields joined (head, a line break, last).
      const base = strings.length === 0 ? 0 : head.length + 1;
      const total = base + last.length;
      const piece = (from: number, to: number): string => {
        if (from >= base) return last.slice(from - base, to - base);
        const fromHead = head.slice(from, Math.min(to, head.length));
        return to <= head.length ? fromHead : `${fromHead}\n${last.slice(0, to - base)}`;
      };
      for (let start = overlap; start < total; ) {
        const end = Math.min(total, start + STRING_CHUNK_CHARS);
        // The first chunk starts with the tail of the one before; a long field cut in two goes on as it is.
        const chunk = start === overlap ? piece(0, end) : this.stringsTail + piece(start, end);
        this.chunks.push({ text: chunk, strings: true, overlap: start === overlap ? overlap : this.stringsTail.length });
        this.stringsTail = chunk.slice(-STRINGS_OVERLAP);
        start = end;
      }
      this.tailAnchored = true;
    }
    strings[0] = this.stringsTail;
    this.stringCount = 1;
    this.firstField = 1;
    this.stringChars = 0;
    this.anchoredUpTo = -1;
  }

  /** The last `count` characters of the string fields not yet sealed, joined by line breaks: only the last fields are joined. */
  private lastCharacters(count: number): string {
    const strings = this.strings;
    let first = this.stringCount - 1;
    for (let size = strings[first]!.length; size < count && first > 0; ) size += strings[--first]!.length + 1;
    let text = strings[first]!;
    for (let index = first + 1; index < this.stringCount; index += 1) text += `\n${strings[index]!}`;
    return text.length > count ? text.slice(-count) : text;
  }

  /** A leaf longer than a chunk: tokenized and hashed slice by slice, before any later value (the walk pauses for it). */
  private gatherLong(text: string, pathHash: number): void {
    for (let start = 0; start < text.length; ) {
      let end = Math.min(text.length, start + CHUNK_CHARS);
      // Cut between two tokens (at a space, a comma: any ASCII character no token holds), so an id is not
      // split in two; searched back only to the chunk's middle (a token longer than that is past any id's length).
      if (end < text.length) {
        const between = lastSeparatorAbove(text, end, start + CHUNK_CHARS / 2);
        if (between !== -1) end = between;
      }
      this.chunks.push({ text: text.slice(start, end), leafPath: pathHash, last: end >= text.length });
      start = end;
    }
  }

  /** One chunk: string fields for the injection rules, or a slice of a long leaf (its tokens and hash). */
  private process(chunk: Chunk): void {
    const { text } = chunk;
    if (chunk.strings) {
      if (chunk.anchorFree) {
        // Nothing found here: the next chunk has no finding in its overlap to meet again.
        this.tailFindings = undefined;
        return;
      }
      const injection = this.options.injection;
      if (injection && this.injections.length < MAX_INJECTIONS) this.stringFindings(injection.scan(text), chunk.overlap ?? 0, text.length);
      return;
    }
    // (A long leaf's string chunks were sealed before its slices are read: no anchor to look for.)
    this.anchorCheck = false;
    const sliceHash = this.tokenize(text, this.leafHash === 0 ? STRING_SEED : this.leafHash);
    if (chunk.leafPath !== undefined) {
      this.leafHash = sliceHash;
      if (chunk.last) {
        this.hash = (this.hash + combine(chunk.leafPath, this.leafHash)) | 0;
        this.leafHash = 0;
      }
    }
  }

  /**
   * A string chunk's findings, positions counted from the chunk's own text (after the overlap, as
   * before overlaps: negative for a match that starts in it). A match the chunk before also found
   * (same rule, same place, inside the overlap) is kept once.
   */
  private stringFindings(findings: readonly InjectionFinding[], overlap: number, length: number): void {
    const previous = this.tailFindings;
    let next: Set<string> | undefined;
    // Where the next chunk's overlap starts in this one.
    const tailStart = Math.max(0, length - STRINGS_OVERLAP);
    for (const finding of findings) {
      if (finding.index >= tailStart) (next ??= new Set()).add(`${finding.kind}@${finding.index - tailStart}`);
      if (finding.index < overlap && previous?.has(`${finding.kind}@${finding.index}`)) continue;
      if (this.injections.length < MAX_INJECTIONS) this.injections.push(overlap === 0 ? finding : { ...finding, index: finding.index - overlap });
    }
    this.tailFindings = next;
  }

  /**
   * The id-like tokens of one value (or one slice of a long one), as `forEachToken` finds them; returns
   * the text's hash, `hashString(text, seed)`. Read by character code once: ASCII tokens lower-cased and
   * hashed as they are read (a plain token already kept, most of a large result's words, is found in
   * place, never sliced out), a token holding a letter or digit outside ASCII read by `unicodeToken`,
   * and the whole text hashed in the same pass.
   */
  private tokenize(text: string, seed: number, from = -1): number {
    if (from >= 0) this.tokenizeUnits(this.units, this.unitsStart, from - this.unitsStart, from - this.unitsStart + text.length, seed, this.text!);
    // A long leaf (a document, a page) is read from its code units too: for it the copy costs less than it saves.
    // (Up to a chunk: longer leaves come here in slices; only a key can be longer, and is not copied whole.)
    else if (text.length >= UNITS_MIN_CHARS && text.length <= CHUNK_CHARS) this.tokenizeUnits(codeUnits(text), 0, 0, text.length, seed, text);
    else this.tokenizeChars(text, seed);
    return finalize(this.wholeHash);
  }

  /**
   * A character outside ASCII that a token may hold (TOKEN_CHARS 3) at `at` in `source`: the run of
   * token characters around it (`[${TOKEN_CLASS}]+`, back to `floor`, where the last run ended, and
   * up to `limit`) is read as `forEachToken` reads it (folded, cut where the letters of scripts written without spaces meet others), and its tokens kept. Returns where the run ends,
   * past `at` (the caller hashes up to there and reads on). The run may start before `at`: ASCII token
   * characters the caller read and has not kept yet.
   */
  private unicodeToken(source: string, at: number, floor: number, limit: number): number {
    classifyNonAscii();
    let start = at;
    while (start > floor) {
      const kind = TOKEN_CHARS[source.charCodeAt(start - 1)]!;
      if (kind !== 1 && kind !== 2) break;
      start -= 1;
    }
    const end = Math.min(limit, start + tokenRunAt(source, start));
    // (A run that ends before `at`: the ASCII token before a character no token holds, a symbol or an emoji.)
    if (end > start) visitToken(source.slice(start, end), (token) => this.addToken(token));
    if (end > at) return end;
    // No token holds the character at `at`: an emoji or a tag character is passed over whole (both its halves).
    const code = source.charCodeAt(at);
    const low = source.charCodeAt(at + 1);
    return code >= 0xd800 && code <= 0xdbff && low >= 0xdc00 && low <= 0xdfff && at + 2 <= limit ? at + 2 : at + 1;
  }

  /**
   * The tokenizer, by character code (`charCodeAt`): ASCII tokens read in the loop, one holding a letter
   * or digit outside ASCII by `unicodeToken`. Leaves the FNV-1a state of the whole text from `seed` in `wholeHash`.
   */
  private tokenizeChars(text: string, seed: number): void {
    const length = text.length;
    let whole = seed | 0;
    let index = 0;
    // Where the last token `unicodeToken` read ends: the next one does not start before it.
    let floor = 0;
    // The kinds of the separators read, OR-ed: ANCHOR_SEPARATOR once the text may hold an injection anchor (or when not looking).
    let seen = this.anchorCheck ? 0 : ANCHOR_SEPARATOR;
    while (index < length) {
      let code = text.charCodeAt(index);
      let kind = TOKEN_CHARS[code]!;
      if (kind === 3) {
        seen = ANCHOR_SEPARATOR;
        for (floor = this.unicodeToken(text, index, floor, length); index < floor; index += 1) whole = Math.imul(whole ^ text.charCodeAt(index), 0x01000193);
        continue;
      }
      if (kind !== 1) {
        // Not in a token; edge punctuation (`.`, `-`, `@`, `#`) before the first letter or digit is trimmed, as normalizeId does.
        seen |= kind;
        whole = Math.imul(whole ^ code, 0x01000193);
        index += 1;
        continue;
      }
      // One read per character: the hash (of the lower-cased token) is taken as the run is read, and the
      // token ends at its last letter or digit, so edge punctuation after it is trimmed too.
      const start = index;
      let end = index;
      let hash = TOKEN_HASH_SEED;
      let endHash = hash;
      let dotted = false;
      let dottedBeforeEnd = false;
      let upper = false;
      // The run's digits (a word in leetspeak has fewer than letters: "1gn0re").
      let digits = 0;
      // The first edge punctuation inside the run: a token without one before its end is one word run.
      let punctuation = -1;
      for (;;) {
        whole = Math.imul(whole ^ code, 0x01000193);
        if (kind === 1) {
          // (Lower-case letters, most of the text, take one comparison.)
          if (code <= 90) {
            if (code >= 65) {
              code += 32;
              upper = true;
            } else digits += 1;
          }
          hash = Math.imul(hash ^ code, 0x01000193);
          end = index + 1;
          endHash = hash;
          dottedBeforeEnd = dotted;
        } else {
          if (code === 46 || code === 64) dotted = true;
          if (punctuation < 0) punctuation = index;
          hash = Math.imul(hash ^ code, 0x01000193);
        }
        if (++index >= length) break;
        kind = TOKEN_CHARS[(code = text.charCodeAt(index))]!;
        // (The character that ends the token is read again, and hashed, by the outer loop.)
        if ((kind & IN_TOKEN) === 0) break;
        if (kind === 3) {
          // A letter outside ASCII may continue the token: the token is read whole from where it starts.
          seen = ANCHOR_SEPARATOR;
          for (floor = this.unicodeToken(text, index, floor, length); index < floor; index += 1) whole = Math.imul(whole ^ text.charCodeAt(index), 0x01000193);
          end = -1;
          break;
        }
      }
      if (end === -1) continue;
      if (seen < ANCHOR_SEPARATOR) {
        if (punctuation < 0 || punctuation >= end ? runMayAnchor(text, start, end, endHash, digits) : punctuatedMayAnchor(text, start, end)) seen = ANCHOR_SEPARATOR;
        // A word hyphenated at a line's end ("dis-\nregard") is read whole by the rules: its halves, here two tokens, may be an anchor.
        else if (text.charCodeAt(index - 1) === 45 && isLineBreak(text.charCodeAt(index))) seen = ANCHOR_SEPARATOR;
      }
      if (end - start > 256) continue;
      if (dottedBeforeEnd) this.addDottedToken(text, start, end, endHash, upper);
      else this.addSpan(text, start, end, endHash, upper);
    }
    this.wholeHash = whole;
    this.mayAnchor = (seen & ANCHOR_SEPARATOR) !== 0;
  }

  /**
   * `tokenizeChars` for the text at [from, to) of `units`, the code units of `source` from `base` (a
   * window of the lexer's JSON text, or one long leaf whole): the same loop, reading the typed array.
   * (Two copies of the loop, because one reading both would be slower than either; the equivalence
   * tests scan every value both ways, as an object and as JSON text, and compare.)
   */
  private tokenizeUnits(units: Uint16Array, base: number, from: number, to: number, seed: number, source: string): void {
    let whole = seed | 0;
    let index = from;
    let floor = from;
    let seen = this.anchorCheck ? 0 : ANCHOR_SEPARATOR;
    while (index < to) {
      let code = units[index]!;
      let kind = TOKEN_CHARS[code]!;
      if (kind === 3) {
        seen = ANCHOR_SEPARATOR;
        for (floor = this.unicodeToken(source, base + index, base + floor, base + to) - base; index < floor; index += 1) whole = Math.imul(whole ^ units[index]!, 0x01000193);
        continue;
      }
      if (kind !== 1) {
        seen |= kind;
        whole = Math.imul(whole ^ code, 0x01000193);
        index += 1;
        continue;
      }
      const start = index;
      let end = index;
      let hash = TOKEN_HASH_SEED;
      let endHash = hash;
      let dotted = false;
      let dottedBeforeEnd = false;
      let upper = false;
      // The run's digits (a word in leetspeak has fewer than letters: "1gn0re").
      let digits = 0;
      // The first edge punctuation inside the run: a token without one before its end is one word run.
      let punctuation = -1;
      for (;;) {
        whole = Math.imul(whole ^ code, 0x01000193);
        if (kind === 1) {
          // (Lower-case letters, most of the text, take one comparison.)
          if (code <= 90) {
            if (code >= 65) {
              code += 32;
              upper = true;
            } else digits += 1;
          }
          hash = Math.imul(hash ^ code, 0x01000193);
          end = index + 1;
          endHash = hash;
          dottedBeforeEnd = dotted;
        } else {
          if (code === 46 || code === 64) dotted = true;
          if (punctuation < 0) punctuation = index;
          hash = Math.imul(hash ^ code, 0x01000193);
        }
        if (++index >= to) break;
        kind = TOKEN_CHARS[(code = units[index]!)]!;
        if ((kind & IN_TOKEN) === 0) break;
        if (kind === 3) {
          seen = ANCHOR_SEPARATOR;
          for (floor = this.unicodeToken(source, base + index, base + floor, base + to) - base; index < floor; index += 1) whole = Math.imul(whole ^ units[index]!, 0x01000193);
          end = -1;
          break;
        }
      }
      if (end === -1) continue;
      if (seen < ANCHOR_SEPARATOR) {
        if (punctuation < 0 || punctuation >= end ? wordRunMayAnchor(units, start, end, endHash, digits) : punctuatedMayAnchor(source, base + start, base + end)) seen = ANCHOR_SEPARATOR;
        else if (index < to && units[index - 1] === 45 && isLineBreak(units[index]!)) seen = ANCHOR_SEPARATOR;
      }
      if (end - start > 256) continue;
      // A plain token met again is found by its code units, without reading the text.
      if (dottedBeforeEnd) this.addDottedToken(source, base + start, base + end, endHash, upper);
      else if (!this.table.hasUnits(units, start, end, endHash)) this.addNewSpan(source, base + start, base + end, endHash, upper);
    }
    this.wholeHash = whole;
    this.mayAnchor = (seen & ANCHOR_SEPARATOR) !== 0;
  }

  /**
   * A token holding `.` or `@` (an address, a domain, a dotted id, a price), ASCII, `text[start, end)`:
   * kept whole and in its parts (split at `.` and `@`, edge `-` and `#` trimmed, as `visitToken` does).
   * Read in place: nothing is sliced unless it is kept.
   */
  private addDottedToken(text: string, start: number, end: number, hash: number, upper: boolean): void {
    // Met before while the table had room: its parts were kept then too (a table never loses a token).
    if (this.table.size < this.options.maxTokens && this.table.hasSpan(text, start, end, hash)) return;
    this.addSpan(text, start, end, hash, upper);
    let from = start;
    for (let index = start; index <= end; index += 1) {
      const code = index < end ? text.charCodeAt(index) : 46;
      if (code !== 46 && code !== 64) continue;
      let partStart = from;
      let partEnd = index;
      from = index + 1;
      while (partStart < partEnd && isDash(text.charCodeAt(partStart))) partStart += 1;
      while (partEnd > partStart && isDash(text.charCodeAt(partEnd - 1))) partEnd -= 1;
      if (partEnd === partStart) continue;
      // (A part of a token without upper case letters has none either.)
      this.addSpan(text, partStart, partEnd, spanHash(text, partStart, partEnd), upper);
    }
  }

  /** The token `text[start, end)`: kept if new and under the cap, counted as dropped past it. */
  private addSpan(text: string, start: number, end: number, hash: number, upper: boolean): void {
    if (!this.table.hasSpan(text, start, end, hash)) this.addNewSpan(text, start, end, hash, upper);
  }

  /** The token `text[start, end)`, known not to be in the table. */
  private addNewSpan(text: string, start: number, end: number, hash: number, upper: boolean): void {
    if (this.table.size < this.options.maxTokens) {
      // Sliced only when kept, and a long one copied so a kept id never pins its value in memory.
      const token = upper ? text.slice(start, end).toLowerCase() : text.slice(start, end);
      this.keep(end - start >= 13 ? flatCopy(token) : token, hash);
    } else {
      this.truncated = true;
      this.dropped += 1;
    }
  }

  private addToken(token: string, hash = tokenHash(token)): void {
    if (this.table.has(token, hash)) return;
    if (this.table.size < this.options.maxTokens) this.keep(token.length >= 13 ? flatCopy(token) : token, hash);
    else {
      this.truncated = true;
      this.dropped += 1;
    }
  }

  private keep(token: string, hash: number): void {
    this.table.add(token, hash);
  }

  // ---- the lexer for large JSON text -------------------------------------------------------

  /** Reads about `limit` characters of JSON text, visiting its values as the walk would. */
  private lexSome(limit: number): void {
    const text = this.text!;
    if (this.position + limit > this.unitsEnd && this.unitsEnd < text.length) {
      const count = Math.min(WINDOW_UNITS, text.length - this.position);
      this.units = (this.window ??= new CodeUnits(WINDOW_UNITS)).read(text, this.position, count);
      this.unitsStart = this.position;
      this.unitsEnd = this.position + count;
    }
    const units = this.units;
    const base = this.unitsStart;
    const end = Math.min(text.length, this.position + limit, this.unitsEnd);
    let index = this.position;
    // The open level the lexer is in (the top of `levels`): kept as levels open and close, not read back each time.
    let level = this.levels[this.levels.length - 1];
    while (index < end) {
      const code = units[index - base]!;
      if (code === 32 || code === 10 || code === 13 || code === 9) {
        index += 1;
        continue;
      }
      if (code === 123 || code === 91) {
        // { or [
        const slot = this.slot(level);
        // Past maxDepth the lexer reads on (tokens and injections, as the walk does) to a depth of its own;
        // text nested deeper than that is read as plain text, so its levels never cost more than that.
        if (slot.depth > this.options.maxDepth && slot.depth > MAX_LEXER_DEPTH) return this.notJson();
        this.open(code === 91, slot, undefined, undefined);
        level = this.levels[this.levels.length - 1];
        index += 1;
        continue;
      }
      if (code === 125 || code === 93) {
        // } or ]
        if (!level || level.array !== (code === 93)) return this.notJson();
        this.close();
        level = this.levels[this.levels.length - 1];
        if (level?.array) level.index += 1;
        index += 1;
        if (level === undefined) return this.lexDone(index);
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
        if (!level.array && level.expectKey) {
          // A member key: records repeat their keys in the same order, so the key met at this depth and
          // position last time is tried in place first (no slice, no map lookup).
          const slot = level.depth * KEY_POSITIONS + level.index;
          const known = level.index < KEY_POSITIONS ? this.lexedKeys?.[slot] : undefined;
          if (known !== undefined && keyAt(units, index + 1 - base, known.key, text, index + 1)) {
            level.member = known.key;
            level.memberInfo = known.info;
            level.index += 1;
            index += known.key.length + 2;
            continue;
          }
        }
        const close = closingQuote(text, index + 1);
        if (close === -1) return this.notJson();
        let value = text.slice(index + 1, close);
        // Where the window holds the value as it is (not when escapes make it differ from its JSON).
        let from = close <= this.unitsEnd ? index + 1 : -1;
        // Backslashes are rare: where the next one is, is looked up again only once the lexer has passed it.
        if (this.nextBackslash < index) this.nextBackslash = nextIndexOf(text, '\\', index);
        if (this.nextBackslash < close) {
          from = -1;
          try {
            value = JSON.parse(text.slice(index, close + 1)) as string;
          } catch {
            return this.notJson();
          }
        }
        index = close + 1;
        if (!level.array && level.expectKey) {
          level.member = value;
          level.memberInfo = this.keyInfo(value);
          // Only a key without a quote or backslash is matched in place later (its text in the JSON is then itself), and only
          // one the key map kept (one past its cap is tokenized again each time it is met, and so must be here).
          if (level.memberInfo.remembered && level.index < KEY_POSITIONS && level.depth < MAX_KEY_DEPTH && !QUOTE_OR_BACKSLASH.test(value)) {
            const keys = (this.lexedKeys ??= []);
            const at = level.depth * KEY_POSITIONS + level.index;
            // Changed in place: a key met once per record (`item_17`) replaces the last one at every record.
            const entry = keys[at];
            if (entry === undefined) keys[at] = { key: value, info: level.memberInfo };
            else {
              entry.key = value;
              entry.info = level.memberInfo;
            }
          }
          level.index += 1;
          continue;
        }
        const slot = this.slot(level);
        if (level.array) level.index += 1;
        this.lexedString(value, slot, from);
        if (this.nestedWalk || this.nextChunk < this.chunks.length) {
          // A nested value is walked (in slices), a long string's slices processed, before the lexer reads on.
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
        // The text of a number is how JavaScript writes it (the walk's `String(value)`): the literal itself when it is
        // already written that way, as JSON.stringify writes numbers (turning a double into text costs more than the rest of its scan).
        this.leaf(isShortestForm(literal) ? literal : String(number), number, slot);
      }
      if (level.array) level.index += 1;
      index = stop;
    }
    this.position = index;
    if (index >= text.length) this.notJson();
  }

  /** Where the next value inside `level` goes: its key, depth, path hash and segment. */
  private slot(level: Level | undefined): Slot {
    if (!level) return this.fill(undefined, undefined, undefined, 0, 0, undefined);
    if (level.array) return this.fill(level.key, level.info, level.parentKey, level.depth + 1, combine(level.pathHash, level.index), level.index);
    const member = level.member ?? '';
    // (A value before any key, in text that is not quite JSON: an empty key with hash 0, as before.)
    const info = level.memberInfo ?? { hash: 0, kind: keyClass(''), idName: isIdName(''), normalized: undefined, remembered: false };
    return this.fill(member, info, level.key, level.depth + 1, combine(level.pathHash, info.hash), member);
  }

  /** A string value met by the lexer: JSON text inside it is walked now, like any nested JSON. */
  private lexedString(value: string, slot: Slot, from: number): void {
    const nested = value.length <= MAX_NESTED_JSON ? parseJsonText(value) : undefined;
    if (nested === undefined) {
      this.leaf(value, value, slot, from);
      return;
    }
    this.walkFloor = this.levels.length;
    slot.depth += 1;
    this.visit(nested, slot, false);
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
    this.chunks = [];
    this.nextChunk = 0;
    this.leafHash = 0;
    this.nestedWalk = false;
    this.table = new TokenTable();
    this.keyed.length = 0;
    this.idValues.length = 0;
    this.injections.length = 0;
    this.strings.length = 0;
    this.stringCount = 0;
    this.firstField = 0;
    this.stringChars = 0;
    this.textParts.length = 0;
    this.textChars = 0;
    this.stringsTail = '';
    this.anchoredUpTo = -1;
    this.tailAnchored = false;
    this.tailFindings = undefined;
    this.truncated = false;
    this.dropped = 0;
    this.hash = 0;
    this.rootValue = text;
    this.leaf(text, text, this.slot(undefined));
  }
}

/**
 * Whether the ASCII token `text[start, end)`, which holds `.`, `-`, `@` or `#` before its end, may hold
 * an injection anchor or an encoding: whether one of its word runs may (`runMayAnchor`). A token without
 * them is one word run, whose hash the tokenizer took: the tokenizers ask `runMayAnchor` for it directly.
 */
function punctuatedMayAnchor(text: string, start: number, end: number): boolean {
  for (let index = start; index < end; index += 1) {
    const runStart = index;
    while (index < end && TOKEN_CHARS[text.charCodeAt(index)] === 1) index += 1;
    if (index > runStart && runMayAnchor(text, runStart, index, spanHash(text, runStart, index), 1)) return true;
  }
  return hyphenatedMayAnchor(text, start, end);
}

/** `\n` or `\r`. */
function isLineBreak(code: number): boolean {
  return code === 10 || code === 13;
}

/** Whether a token of letters joined by hyphens ("Ig-nore", "in-struc-tions") is an anchor word once joined, as the injection scan joins it. */
function hyphenatedMayAnchor(text: string, start: number, end: number): boolean {
  let hash = TOKEN_HASH_SEED;
  let letters = 0;
  for (let index = start; index < end; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 45) continue;
    if (!isLetter(code)) return false;
    hash = Math.imul(hash ^ (code | 32), 0x01000193);
    letters += 1;
  }
  return isAnchorWordRun(hash, letters);
}

/**
 * Whether the word run (`[A-Za-z0-9_]+`) `text[start, end)`, its tokenizer hash `hash`, may be or hold an
 * injection anchor or an encoding: an anchor word's run (`isAnchorWordRun`), one in leetspeak when fewer of
 * its characters than half are digits (`isLeetAnchorRun`; `digits` counts them, or is 1 where not counted),
 * `[A-Za-z]{2}[0-9]{2}` at its start (`opensCode`, read here by `charCodeAt`), or MIN_BASE64_RUN characters or more.
 */
function runMayAnchor(text: string, start: number, end: number, hash: number, digits: number): boolean {
  const length = end - start;
  if (length >= MIN_BASE64_RUN || isAnchorWordRun(hash, length) || (digits > 0 && digits * 2 < length && isLeetAnchorRun(text, start, end))) return true;
  return length >= 4 && isLetter(text.charCodeAt(start)) && isLetter(text.charCodeAt(start + 1)) && isDigit(text.charCodeAt(start + 2)) && isDigit(text.charCodeAt(start + 3));
}

/** `runMayAnchor` for a word run in code units. */
function wordRunMayAnchor(units: Uint16Array, start: number, end: number, hash: number, digits: number): boolean {
  const length = end - start;
  return length >= MIN_BASE64_RUN || isAnchorWordRun(hash, length) || (digits > 0 && digits * 2 < length && isLeetAnchorRun(units, start, end)) || opensCode(units, start, end);
}

function isLetter(code: number): boolean {
  const lower = code | 32;
  return lower >= 97 && lower <= 122;
}

/** Whether `text` holds white space (`\s`): printable ASCII is told by its code, anything else by the expression. */
function hasSpace(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code <= 32 || code >= 127) return PROSE.test(text);
  }
  return false;
}

/** The last ASCII character no token holds (a space, a comma, a quote) at or before `from` and after `floor`, or -1. */
function lastSeparatorAbove(text: string, from: number, floor: number): number {
  for (let index = Math.min(from, text.length - 1); index > floor; index -= 1) {
    const code = text.charCodeAt(index);
    if (code < 128 && (TOKEN_CHARS[code]! & IN_TOKEN) === 0) return index;
  }
  return -1;
}

/**
 * Whether the JSON text at `text[at]` (`units[from]` in the lexer's window) is `key` and a closing quote:
 * compared in the window's code units where they hold it, by the text's own `startsWith` where they do not.
 */
function keyAt(units: Uint16Array, from: number, key: string, text: string, at: number): boolean {
  const length = key.length;
  if (from + length >= units.length) return text.charCodeAt(at + length) === 34 && text.startsWith(key, at);
  if (units[from + length] !== 34) return false;
  for (let index = 0; index < length; index += 1) if (units[from + index] !== key.charCodeAt(index)) return false;
  return true;
}

/** `text.indexOf(search, from)`, or the text's length when it is not there. */
function nextIndexOf(text: string, search: string, from: number): number {
  const found = text.indexOf(search, from);
  return found === -1 ? text.length : found;
}

/**
 * Whether the number literal `literal` (valid JSON) is `String(Number(literal))`: plain decimal, at most 15
 * significant digits (a decimal that short names one double, whose shortest form is that decimal), no
 * trailing zero after the point, no exponent, not `-0`, and not so small that JavaScript writes an exponent.
 */
function isShortestForm(literal: string): boolean {
  const negative = literal.charCodeAt(0) === 45;
  const intStart = negative ? 1 : 0;
  let index = intStart;
  while (index < literal.length && isDigit(literal.charCodeAt(index))) index += 1;
  const intDigits = index - intStart;
  const intIsZero = literal.charCodeAt(intStart) === 48;
  if (intDigits === 0 || intDigits > 15 || (intIsZero && intDigits > 1)) return false;
  if (index === literal.length) return !(negative && intIsZero);
  if (literal.charCodeAt(index) !== 46) return false;
  const fracStart = index + 1;
  for (index = fracStart; index < literal.length; index += 1) if (!isDigit(literal.charCodeAt(index))) return false;
  if (index === fracStart || literal.charCodeAt(index - 1) === 48) return false;
  let leadingZeros = 0;
  if (intIsZero) {
    while (literal.charCodeAt(fracStart + leadingZeros) === 48) leadingZeros += 1;
    // 0.000001 is written so, 0.0000001 as 1e-7.
    if (leadingZeros > 5) return false;
  }
  return (intIsZero ? 0 : intDigits) + (index - fracStart) - leadingZeros <= 15;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** `-` or `#`: trimmed at the edges of a dotted token's parts (the parts hold no `.` or `@`). */
function isDash(code: number): boolean {
  return code === 45 || code === 35;
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
  const scan = new ScanOfJsonForm(value, options);
  scan.run(Infinity);
  return scan.result();
}

/**
 * The same scan, in slices of about `SCAN_SLICE_MS` with a yield between them, so content of any
 * size never blocks the event loop for long. Content that fits in one slice is scanned synchronously
 * and returned as is (no promise), so small results stay on the fast path.
 */
export function scanContentSliced(value: unknown, options: ScanOptions, sliceMs = SCAN_SLICE_MS): ContentScan | Promise<ContentScan> {
  return runInSlices(new ScanOfJsonForm(value, options), sliceMs);
}

/**
 * The scan of what JSON.stringify makes of the content: the content itself while no `toJSON` is met (plain data
 * is never copied); where one is, its JSON form is built (`JsonFormBuilder`, within the walk's bound) and scanned
 * instead, and handed back (`ContentScan.jsonForm`). Both steps are done in slices.
 */
class ScanOfJsonForm implements SlicedWork<ContentScan> {
  private scanner: ContentScanner;
  private builder: JsonFormBuilder | undefined;
  private form: { value: unknown } | undefined;

  constructor(
    private readonly value: unknown,
    private readonly options: ScanOptions,
  ) {
    this.scanner = new ContentScanner(value, options);
  }

  run(deadline: number): boolean {
    for (;;) {
      if (this.builder !== undefined) {
        if (!this.builder.run(deadline)) return false;
        const built = this.builder.result();
        this.builder = undefined;
        if (built.problem !== undefined) {
          // What was read before the first `toJSON` stays in the scan, as before any problem.
          this.scanner.problem = built.problem;
          return true;
        }
        this.form = { value: built.value };
        this.scanner = new ContentScanner(built.value, this.options);
        continue;
      }
      if (!this.scanner.run(deadline)) return false;
      if (!this.scanner.metToJson) return true;
      if (this.form !== undefined) {
        // Only a `toJSON` on Object.prototype itself answers for the built form's plain objects too.
        this.scanner.problem = 'its JSON form (toJSON) still holds a toJSON';
        return true;
      }
      this.builder = new JsonFormBuilder(this.value, MAX_WALKED_VALUES);
    }
  }

  result(): ContentScan {
    const scan = this.scanner.result();
    if (this.form !== undefined) scan.jsonForm = this.form;
    return scan;
  }
}
