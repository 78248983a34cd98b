/**
 * The shapes ids take in a session, learned with no configuration from ids seen in id positions
 * (values under id-named keys, session entities, schema patterns), so ids can be found in prose.
 * A shape must be specific: one that matches ordinary words, numbers, dates, amounts or phone
 * numbers is never kept.
 */
import { LinearTokenFinder } from './linear-regex.js';
import { appended } from './compact-array.js';
import { foldFullWidth } from './cjk-text.js';
import { MARK_CLASS, UNSPACED_CLASS } from './unspaced-scripts.js';
import { takeOldest } from './oldest-first.js';

/** Finds a shape's tokens in text: V8 for shapes drawn from examples (ours), RE2 for declared patterns (untrusted). */
export interface ShapeFinder {
  find(text: string): Array<{ token: string; index: number }>;
  /** Every match holds an ASCII digit: text without one is not searched (most free text, for most shapes). */
  needsDigit?: boolean;
}

export interface IdShape {
  /** The regex source, for evidence. */
  source: string;
  regex: ShapeFinder;
  /** Where it was learned: `example:ord_1001`, `schema:get_order.order_id`, `policy:order_id`. */
  origin: string;
  /** For alphanumeric codes: a match must hold both a letter and a digit. */
  needsLetterAndDigit: boolean;
}

export interface ShapeMatch {
  token: string;
  shape: IdShape;
  index: number;
}

/**
 * Tokens an id shape must never match: the things model text is full of. The second half was measured
 * on the precision corpus (READMEs and changelogs in node_modules): model names, standards, encodings,
 * sections, drafts, versions.
 */
const ORDINARY = [
  'utf_16', 'utf-16', 'UTF-16', 'iso_8859', 'iso-8859-1', 'csv_2024', 'v2_1', 'v1.2.3', '2.0.1', 'latin_1', 'cp1252', 'win_1252', 'report_2024.pdf', 'data_2024.csv',
  'gpt-5', 'gpt-4o-mini', 'section-5', 'draft-07', 'draft-2020-12', 'rfc-6265', 'RFC3986', 'sdk-12', 'map-0', 'image-2', 'grok-4', 'glm-4', 'west-2', 'us-east-1', 'tc-2231',
  'sonnet-4-5-20250929', 'openapi-3', 'ES2020', 'ES2015', 'TS2304', 'NAT64', 'RE2JS', 'SIGUSR1', 'SHA256', 'UTF8', 'HTTP2', 'OAUTH2', 'BASE64', 'IPV6', 'ARM64', 'H264', 'MP4', 'X86', 'Q3_2024', 'FY2024', 'node_20', 'es2022', 'python3',
  'the', 'Order', 'order', 'hello', 'Thanks', 'customer_service', 'e-mail', 'check-in', 'follow-up', 'one-way', 'round_trip', 'basic_economy',
  '7', '42', '100', '2024', '12345', '1234567', '5551234567', '4421486', '3.14', '1,234.56', '$42.10', 'USD', '42.10',
  '2024-05-20', '05/20/2024', '20.05.2024', '2024/05/20', '10:30', '07:00:00', 'T09:30',
  '555-123-4567', '+1-555-123-4567', '(555)', '123-4567', '1-800-555-0199',
  'COVID-19', 'Wi-Fi', 'iPhone', 'A4', 'MP3', 'B2B', '4K', 'x86_64', 'utf-8', 'UTF-8', 'ISO-8601', 'gpt-4o', 'GPT-4',
];

/**
 * Token edges, as `tokens.ts` reads them: a letter (with its marks) or digit goes on the token, unless one
 * of the two is of a script written without spaces (`注文W2378156です`, `คำสั่งซื้อW2378156`). A mark with no
 * letter before it (after a space) is no part of a token.
 */
const NOT_UNSPACED = `(?![${UNSPACED_CLASS}])`;
const BOUNDARY_BEFORE = `(?<!${NOT_UNSPACED}[\\p{L}\\p{N}_#-][${MARK_CLASS}]*)`;
const BOUNDARY_AFTER = `(?!${NOT_UNSPACED}[\\p{L}${MARK_CLASS}\\p{N}_-]|\\.${NOT_UNSPACED}[\\p{L}\\p{N}])`;

/**
 * A compiled shape, shared by every session that learns it (finders hold no state between calls), with
 * one copy of its source and whether it is specific (computed once per way of checking it).
 */
interface CompiledShape {
  source: string;
  finder: ShapeFinder;
  specific: [boolean | undefined, boolean | undefined];
}

const compiled = new Map<string, CompiledShape | null>();

/** A shape this module drew from an example (its source is built here, safe on V8's engine), or a declared one (RE2). */
function compile(source: string, declared = false): CompiledShape | undefined {
  const key = `${declared ? 'd' : 'v'}/${source}`;
  let shape = compiled.get(key);
  if (shape === undefined) {
    const finder = declared ? compileDeclared(source) : compileOwn(source);
    shape = finder === undefined ? null : { source, finder, specific: [undefined, undefined] };
    if (compiled.size >= 4_096) takeOldest(compiled);
    compiled.set(key, shape);
  }
  return shape ?? undefined;
}

function isSpecificShape(shape: CompiledShape, needsLetterAndDigit: boolean): boolean {
  const index = needsLetterAndDigit ? 1 : 0;
  return (shape.specific[index] ??= isSpecific(shape.finder, needsLetterAndDigit));
}

function compileOwn(source: string): ShapeFinder | undefined {
  let regex: RegExp;
  try {
    regex = new RegExp(`${BOUNDARY_BEFORE}(?:${source})${BOUNDARY_AFTER}`, 'gu');
  } catch {
    return undefined;
  }
  return {
    // Our sources put a digit run (`\d{1,4}`) only in sequence, never in an alternative: one there is in every match.
    needsDigit: /\\d\{[1-9]/.test(source),
    find(text) {
      const found: Array<{ token: string; index: number }> = [];
      regex.lastIndex = 0;
      for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
        if (match[0].length === 0) {
          regex.lastIndex += 1;
          continue;
        }
        found.push({ token: match[0], index: match.index });
      }
      return found;
    },
  };
}

/** A declared pattern (schema, policy): untrusted, so it runs on RE2, with the same token edges. */
function compileDeclared(source: string): ShapeFinder | undefined {
  try {
    const finder = new LinearTokenFinder(source, source, '[\\p{L}\\p{Mn}\\p{Mc}\\p{N}_#-]', '[^\\p{L}\\p{Mn}\\p{Mc}\\p{N}_.-]|\\.(?:[^\\p{L}\\p{N}]|$)');
    // Model text is short; the cap keeps a pathological one bounded all the same.
    return { find: (text) => finder.find(text, { chars: 131_072 }) };
  } catch {
    return undefined;
  }
}

function isSpecific(regex: ShapeFinder, needsLetterAndDigit: boolean): boolean {
  for (const sample of ORDINARY) {
    const match = regex.find(sample)[0];
    if (match && match.token === sample && (!needsLetterAndDigit || hasLetterAndDigit(sample)) && !neverAnId(sample)) return false;
  }
  return true;
}

/** Ordinary codes (`ES2020`, `SHA256`): a generic code shape keeps its other matches, never these. */
const ORDINARY_CODES: ReadonlySet<string> = new Set(ORDINARY.filter((token) => /^[A-Z0-9]+$/.test(token) && /[A-Z]/.test(token) && /\d/.test(token)));

/**
 * Tokens that never count as ids, whatever shape they have: versions (`v2_1`, `1.2.3`), encodings
 * (`utf_16`, `iso_8859`, `cp1252`), file names (`data_2024.csv`), a word and a year (`csv_2024`).
 */
export function neverAnId(token: string): boolean {
  return (
    /^v?\d+(?:[._-]\d+)+[a-z]?$|^v\d+$/i.test(token) ||
    /^(?:utf|ucs|iso|latin|cp|windows|win|koi8|euc|big5|gb|shift[_-]?jis|ascii|ansi|ibm)[-_]?\d[\d-]*$/i.test(token) ||
    /^[^.\s]+\.(?:[a-z]{1,4}\d?|json|yaml|toml|jpeg|html|tsx|jsx|docx|xlsx|pptx|webp|tiff)$/i.test(token) ||
    /^[a-z]+[_-](?:19|20)\d{2}$/i.test(token) ||
    ORDINARY_CODES.has(token)
  );
}

function hasLetterAndDigit(token: string): boolean {
  return /\p{L}/u.test(token) && /\p{N}/u.test(token);
}

function letterClass(run: string): string {
  if (/^[a-z]+$/.test(run)) return '[a-z]';
  if (/^[A-Z]+$/.test(run)) return '[A-Z]';
  return '[A-Za-z]';
}

/** Escapes what a pattern reads as syntax; `-` is literal outside a class, and escaped (`\-`) it is an error under the `u` flag. */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * The shape of one example id, or `undefined` when no specific shape can be drawn from it
 * (pure digits, pure letters, free text). Letter runs generalize to their case class, digit runs
 * keep their length, separators stay literal: `ord_1001` -> `[a-z]+_\d{4}`, `#W2378156` ->
 * `#[A-Z]{1,3}\d{7}`, `ZFA04Y` -> a 6-character upper-case code with letters and digits.
 */
export function shapeOfId(id: string): Omit<IdShape, 'regex' | 'origin'> | undefined {
  if (id.length < 4 || id.length > 64 || /\s/.test(id)) return undefined;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return { source: UUID_SOURCE, needsLetterAndDigit: false };
  if (!/\p{N}/u.test(id) || !/\p{L}/u.test(id)) return undefined;
  if (/^[A-Z0-9]+$/.test(id)) return id.length >= 5 ? { source: `[A-Z0-9]{${id.length}}`, needsLetterAndDigit: true } : undefined;
  if (/^[a-z0-9]+$/.test(id)) return id.length >= 8 ? { source: `[a-z0-9]{${id.length}}`, needsLetterAndDigit: true } : undefined;
  const runs = id.match(/[A-Za-z]+|[0-9]+|[^A-Za-z0-9]/g) ?? [];
  if (!runs.some((run) => /^[^A-Za-z0-9]$/.test(run))) return undefined;
  const parts = runs.map((run) => {
    // Sequential ids grow: ord_9, ord_10, ord_1001 share a shape.
    if (/^[0-9]+$/.test(run)) return `\\d{${Math.max(1, run.length - 2)},${run.length + 2}}`;
    // Word-like prefixes stay literal (`ord_`, `credit_card_`): that is what makes a shape distinctive.
    if (/^[A-Za-z]+$/.test(run)) return run.length <= 1 ? `${letterClass(run)}{1,3}` : run;
    if (/^[_#:.-]$/.test(run)) return escape(run);
    return undefined;
  });
  if (parts.includes(undefined)) return undefined;
  return { source: parts.join(''), needsLetterAndDigit: false };
}

const UUID_SOURCE = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const MAX_SHAPES = 64;
/** Shapes a set lists apart from a shared map before it copies the map (see `IdShapeSet.own`). */
const MAX_OWN_LISTED = 8;

/**
 * What an id says about the shapes ids take: its shape and, for ids like `cust_789`, the naming
 * convention it follows (prefix, separator, number of digits). One per shape, shared: the shape's
 * source fixes the convention (letters literal, the separator literal, the digit count from its range).
 */
interface IdForm {
  source: string;
  needsLetterAndDigit: boolean;
  /** `key`: the separator and digit count (`_4`), one convention per key. */
  convention: { prefix: string; separator: string; digits: string; key: string } | undefined;
}

/**
 * Forms of recently seen ids (the same ids recur in every call and result of a session), then by
 * digit skeleton (every ASCII digit read as `0`): an id's form depends on its digits only through
 * the length of each digit run, so a new id (`cust_2002`, after `cust_1001`) finds its form without
 * re-deriving it (a trace of a million customers meets a new id at every session). Forms by source too.
 */
const formCache = new Map<string, IdForm | null>();
const formsBySkeleton = new Map<string, IdForm | null>();
const formsBySource = new Map<string, IdForm>();
const ASCII_DIGIT = /[0-9]/g;
const ASCII_DIGIT_IN = /[0-9]/;

function formOf(id: string): IdForm | null {
  const shape = shapeOfId(id);
  if (shape === undefined) return null;
  const known = formsBySource.get(shape.source);
  if (known !== undefined && known.needsLetterAndDigit === shape.needsLetterAndDigit) return known;
  const match = /^([a-z]{2,})([_-])(\d{1,12})$/.exec(id);
  const count = match?.[3]!.length ?? 0;
  const form: IdForm = {
    ...shape,
    convention: match ? { prefix: match[1]!, separator: match[2]!, digits: `\\d{${Math.max(1, count - 2)},${count + 2}}`, key: `${match[2]!}${count}` } : undefined,
  };
  if (formsBySource.size >= 4_096) takeOldest(formsBySource);
  formsBySource.set(shape.source, form);
  return form;
}

function cachedFormOf(id: string): IdForm | undefined {
  let form = formCache.get(id);
  if (form === undefined) {
    const skeleton = id.replace(ASCII_DIGIT, '0');
    form = formsBySkeleton.get(skeleton);
    if (form === undefined) {
      form = formOf(skeleton);
      if (formsBySkeleton.size >= 4_096) takeOldest(formsBySkeleton);
      formsBySkeleton.set(skeleton, form);
    }
    if (formCache.size >= 4_096) takeOldest(formCache);
    formCache.set(id, form);
  }
  return form ?? undefined;
}

/** A naming convention a session follows: its separator, digits, and the id it was learned from. */
interface Convention {
  /** Separator and digit count (`_4`): one convention per key. */
  key: string;
  separator: string;
  digits: string;
  /** Where it was learned (`customer_id`, `call:list_orders`) and from which id: the origin is written when read. */
  from: string;
  id: string;
}

/** A shape built from a kind's name and a convention; its origin text is made only when evidence reads it. */
class ConventionShape implements IdShape {
  constructor(
    readonly source: string,
    readonly regex: ShapeFinder,
    private readonly convention: Convention,
    private readonly kind: string,
  ) {}
  get needsLetterAndDigit(): boolean {
    return false;
  }
  get origin(): string {
    return `convention:${this.convention.from}:${this.convention.id}->${this.kind}`;
  }
}

/** Shapes learned from examples with the same origin are the same data: one object, shared by sessions. */
const exampleShapes = new Map<string, IdShape>();

function sharedShape(compiledShape: CompiledShape, origin: string, needsLetterAndDigit: boolean): IdShape {
  const key = `${needsLetterAndDigit ? 1 : 0}${origin}\u0000${compiledShape.source}`;
  let shape = exampleShapes.get(key);
  if (shape === undefined || shape.regex !== compiledShape.finder) {
    shape = { source: compiledShape.source, regex: compiledShape.finder, origin, needsLetterAndDigit };
    if (exampleShapes.size >= 4_096) takeOldest(exampleShapes);
    exampleShapes.set(key, shape);
  }
  return shape;
}

export class IdShapeSet {
  /** Shared with the set this one was made from, until this one learns a shape of its own (copy on write). */
  private shapes: Map<string, IdShape>;
  private shared: boolean;
  /**
   * The first few shapes learned while `shapes` is shared, after them: a session learns two or three,
   * and a list of exactly that size is far smaller than a copy of the map. Never changed in place.
   */
  private own: readonly IdShape[] | undefined;

  constructor(
    private readonly capacity = MAX_SHAPES,
    base?: IdShapeSet,
  ) {
    this.shapes = base ? base.shapes : new Map();
    this.shared = base !== undefined;
    if (base) {
      base.shared = true;
      base.sharedKinds = true;
      this.own = base.own;
      this.kinds = base.kinds;
      this.conventions = base.conventions;
      this.sharedKinds = true;
    }
  }

  /** A set starting with this one's shapes, sharing them until either learns a new one. */
  fork(): IdShapeSet {
    return new IdShapeSet(this.capacity, this);
  }

  /** Entity kinds the session knows (`order`, `customer`), from id-named schema properties and session entities. */
  private kinds: Set<string> | undefined;
  /**
   * Naming conventions seen: a kind's abbreviation, a separator, a number (`cust_789` for kind `customer`).
   * A few at most, in the order learned; replaced, never changed in place, so sets share them safely.
   */
  private conventions: readonly Convention[] | undefined;
  /** Whether kinds are still the base's (copied on first write). */
  private sharedKinds = false;

  private ownKinds(): Set<string> {
    if (this.sharedKinds || !this.kinds) {
      this.kinds = new Set(this.kinds);
      this.sharedKinds = false;
    }
    return this.kinds;
  }

  /** Learns the shape of an example id; returns whether a new shape was kept. */
  learnFrom(id: string, origin: string): boolean {
    const form = cachedFormOf(id);
    if (form === undefined) return false;
    if (form.convention !== undefined) this.learnConvention(id, form.convention, origin);
    // Known already (the usual case: a session's ids share a few shapes): nothing to build.
    if (this.has(form.source) || this.size >= this.capacity) return false;
    return this.add(form.source, `example:${origin}`, form.needsLetterAndDigit);
  }

  /**
   * Registers an entity kind (`order` from `order_id`). When the session's ids follow a convention
   * (`cust_789` abbreviates the kind `customer`), ids of this kind are expected the same way
   * (`ord_555`): the shape is built from the kind's own name, so it stays distinctive.
   */
  addKind(kind: string): void {
    const normalized = kind.toLowerCase().replace(/[^a-z]/g, '');
    if (normalized.length < 3 || this.kinds?.has(normalized) || (this.kinds?.size ?? 0) >= this.capacity) return;
    this.ownKinds().add(normalized);
    for (const convention of this.conventions ?? []) this.addConventionShape(normalized, convention);
  }

  private learnConvention(id: string, { prefix, separator, digits, key }: NonNullable<IdForm['convention']>, origin: string): void {
    // Known already (every later id of a session's convention): nothing to build.
    if (this.conventions?.some((known) => known.key === key) || (this.conventions?.length ?? 0) >= 4) return;
    if (!this.hasKindStarting(prefix)) return;
    const convention: Convention = { key, separator, digits, from: origin, id };
    this.conventions = appended([...(this.conventions ?? [])], convention);
    for (const kind of this.kinds ?? []) this.addConventionShape(kind, convention);
  }

  private hasKindStarting(prefix: string): boolean {
    if (this.kinds) for (const kind of this.kinds) if (kind.startsWith(prefix)) return true;
    return false;
  }

  private addConventionShape(kind: string, convention: Convention): void {
    const abbreviations: string[] = [];
    for (let length = 3; length <= kind.length; length += 1) abbreviations.push(kind.slice(0, length));
    this.add(`(?:${abbreviations.join('|')})${escape(convention.separator)}${convention.digits}`, '', false, false, { convention, kind });
  }

  /** Adds a declared pattern (a schema `pattern`, a policy pattern), unanchored, if it is specific. */
  addPattern(pattern: string, origin: string): boolean {
    const source = pattern.replace(/^\^/, '').replace(/(?<!\\)\$$/, '');
    return this.add(source, origin, false, true);
  }

  addUuid(origin: string): boolean {
    return this.add(UUID_SOURCE, origin, false);
  }

  private add(source: string, origin: string, needsLetterAndDigit: boolean, declared = false, from?: { convention: Convention; kind: string }): boolean {
    if (this.has(source) || this.size >= this.capacity) return false;
    const shape = compile(source, declared);
    if (!shape || !isSpecificShape(shape, needsLetterAndDigit)) return false;
    const kept = from ? new ConventionShape(shape.source, shape.finder, from.convention, from.kind) : sharedShape(shape, origin, needsLetterAndDigit);
    if (this.shared && (this.own?.length ?? 0) < MAX_OWN_LISTED) {
      this.own = appended([...(this.own ?? [])], kept);
      return true;
    }
    if (this.shared) {
      this.shapes = new Map(this.shapes);
      for (const listed of this.own ?? []) this.shapes.set(listed.source, listed);
      this.own = undefined;
      this.shared = false;
    }
    this.shapes.set(shape.source, kept);
    return true;
  }

  private has(source: string): boolean {
    return this.shapes.has(source) || (this.own?.some((shape) => shape.source === source) ?? false);
  }

  get size(): number {
    return this.shapes.size + (this.own?.length ?? 0);
  }

  /** Every token of `text` that has a known id shape, each once, in order; full-width forms read as ASCII (`Ｗ２３７８１５６`). */
  find(written: string): ShapeMatch[] {
    const text = foldFullWidth(written);
    const found = new Map<string, ShapeMatch>();
    const digitFree = !ASCII_DIGIT_IN.test(text);
    const visit = (shape: IdShape) => {
      if (digitFree && shape.regex.needsDigit === true) return;
      for (const match of shape.regex.find(text)) {
        if (shape.needsLetterAndDigit && !hasLetterAndDigit(match.token)) continue;
        if (neverAnId(match.token)) continue;
        if (!found.has(match.token)) found.set(match.token, { token: match.token, shape, index: match.index });
      }
    };
    for (const shape of this.shapes.values()) visit(shape);
    if (this.own) for (const shape of this.own) visit(shape);
    return [...found.values()].sort((a, b) => a.index - b.index);
  }
}
