/**
 * The shapes ids take in a session, learned with no configuration from ids seen in id positions
 * (values under id-named keys, session entities, schema patterns), so ids can be found in prose.
 * A shape must be specific: one that matches ordinary words, numbers, dates, amounts or phone
 * numbers is never kept.
 */
import { LinearTokenFinder } from './linear-regex.js';

/** Finds a shape's tokens in text: V8 for shapes drawn from examples (ours), RE2 for declared patterns (untrusted). */
export interface ShapeFinder {
  find(text: string): Array<{ token: string; index: number }>;
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

const BOUNDARY_BEFORE = '(?<![\\p{L}\\p{N}_#-])';
const BOUNDARY_AFTER = '(?![\\p{L}\\p{N}_-]|\\.[\\p{L}\\p{N}])';

/** Compiled shapes, shared by every session that learns the same one (finders hold no state between calls). */
const compiled = new Map<string, ShapeFinder | null>();

/** A shape this module drew from an example (its source is built here, safe on V8's engine), or a declared one (RE2). */
function compile(source: string, declared = false): ShapeFinder | undefined {
  const key = `${declared ? 'd' : 'v'}/${source}`;
  let finder = compiled.get(key);
  if (finder === undefined) {
    finder = (declared ? compileDeclared(source) : compileOwn(source)) ?? null;
    if (compiled.size >= 4_096) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, finder);
  }
  return finder ?? undefined;
}

function compileOwn(source: string): ShapeFinder | undefined {
  let regex: RegExp;
  try {
    regex = new RegExp(`${BOUNDARY_BEFORE}(?:${source})${BOUNDARY_AFTER}`, 'gu');
  } catch {
    return undefined;
  }
  return {
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
    const finder = new LinearTokenFinder(source, source, '[\\p{L}\\p{N}_#-]', '[^\\p{L}\\p{N}_.-]|\\.(?:[^\\p{L}\\p{N}]|$)');
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

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

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

/** A session's id shapes: bounded, deduplicated by regex source. */
/** Shapes of recently seen ids: the same ids recur in every call and result of a session. */
/** An id's shape, and the naming convention it may follow (`cust_789`: prefix, separator, number). */
interface IdForm {
  shape: NonNullable<ReturnType<typeof shapeOfId>>;
  convention: { prefix: string; separator: string; number: string } | undefined;
}
const shapeCache = new Map<string, IdForm | null>();

function conventionOf(id: string): IdForm['convention'] {
  const match = /^([a-z]{2,})([_-])(\d{1,12})$/.exec(id);
  if (!match) return undefined;
  const [, prefix, separator, number] = match as unknown as [string, string, string, string];
  return { prefix, separator, number };
}

function cachedFormOf(id: string): IdForm | undefined {
  let form = shapeCache.get(id);
  if (form === undefined) {
    const shape = shapeOfId(id);
    form = shape === undefined ? null : { shape, convention: conventionOf(id) };
    if (shapeCache.size >= 4_096) shapeCache.delete(shapeCache.keys().next().value!);
    shapeCache.set(id, form);
  }
  return form ?? undefined;
}

export class IdShapeSet {
  /** Shared with the set this one was made from, until this one learns a shape of its own (copy on write). */
  private shapes: Map<string, IdShape>;
  private shared: boolean;

  constructor(
    private readonly capacity = MAX_SHAPES,
    base?: IdShapeSet,
  ) {
    this.shapes = base ? base.shapes : new Map();
    this.shared = base !== undefined;
    if (base) {
      base.shared = true;
      base.sharedKinds = true;
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
  /** Naming conventions seen: a kind's abbreviation, a separator, a number (`cust_789` for kind `customer`). */
  private conventions: Map<string, { separator: string; digits: string; origin: string }> | undefined;
  /** Whether kinds and conventions are still the base's (copied on first write). */
  private sharedKinds = false;

  private ownKinds(): Set<string> {
    if (this.sharedKinds || !this.kinds) this.unshareKinds();
    return this.kinds!;
  }

  private ownConventions(): Map<string, { separator: string; digits: string; origin: string }> {
    if (this.sharedKinds || !this.conventions) this.unshareKinds();
    return this.conventions!;
  }

  private unshareKinds(): void {
    this.kinds = new Set(this.kinds);
    this.conventions = new Map(this.conventions);
    this.sharedKinds = false;
  }

  /** Learns the shape of an example id; returns whether a new shape was kept. */
  learnFrom(id: string, origin: string): boolean {
    const form = cachedFormOf(id);
    if (form === undefined) return false;
    const shape = form.shape;
    if (form.convention !== undefined) this.learnConvention(id, form.convention, origin);
    // Known already (the usual case: a session's ids share a few shapes): nothing to build.
    if (this.shapes.has(shape.source) || this.shapes.size >= this.capacity) return false;
    return this.add(shape.source, `example:${origin}`, shape.needsLetterAndDigit);
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
    for (const convention of this.conventions?.values() ?? []) this.addConventionShape(normalized, convention);
  }

  private learnConvention(id: string, { prefix, separator, number }: NonNullable<IdForm['convention']>, origin: string): void {
    if (!this.hasKindStarting(prefix)) return;
    const key = `${separator}${number.length}`;
    if (this.conventions?.has(key) || (this.conventions?.size ?? 0) >= 4) return;
    const convention = { separator, digits: `\\d{${Math.max(1, number.length - 2)},${number.length + 2}}`, origin: `${origin}:${id}` };
    this.ownConventions().set(key, convention);
    for (const kind of this.kinds ?? []) this.addConventionShape(kind, convention);
  }

  private hasKindStarting(prefix: string): boolean {
    if (this.kinds) for (const kind of this.kinds) if (kind.startsWith(prefix)) return true;
    return false;
  }

  private addConventionShape(kind: string, convention: { separator: string; digits: string; origin: string }): void {
    const abbreviations: string[] = [];
    for (let length = 3; length <= kind.length; length += 1) abbreviations.push(kind.slice(0, length));
    this.add(`(?:${abbreviations.join('|')})${escape(convention.separator)}${convention.digits}`, `convention:${convention.origin}->${kind}`, false);
  }

  /** Adds a declared pattern (a schema `pattern`, a policy pattern), unanchored, if it is specific. */
  addPattern(pattern: string, origin: string): boolean {
    const source = pattern.replace(/^\^/, '').replace(/(?<!\\)\$$/, '');
    return this.add(source, origin, false, true);
  }

  addUuid(origin: string): boolean {
    return this.add(UUID_SOURCE, origin, false);
  }

  private add(source: string, origin: string, needsLetterAndDigit: boolean, declared = false): boolean {
    if (this.shapes.has(source) || this.shapes.size >= this.capacity) return false;
    const regex = compile(source, declared);
    if (!regex || !isSpecific(regex, needsLetterAndDigit)) return false;
    if (this.shared) {
      this.shapes = new Map(this.shapes);
      this.shared = false;
    }
    this.shapes.set(source, { source, regex, origin, needsLetterAndDigit });
    return true;
  }

  get size(): number {
    return this.shapes.size;
  }

  /** Every token of `text` that has a known id shape, each once, in order. */
  find(text: string): ShapeMatch[] {
    const found = new Map<string, ShapeMatch>();
    for (const shape of this.shapes.values()) {
      for (const match of shape.regex.find(text)) {
        if (shape.needsLetterAndDigit && !hasLetterAndDigit(match.token)) continue;
        if (neverAnId(match.token)) continue;
        if (!found.has(match.token)) found.set(match.token, { token: match.token, shape, index: match.index });
      }
    }
    return [...found.values()].sort((a, b) => a.index - b.index);
  }
}
