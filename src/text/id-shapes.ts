/**
 * The shapes ids take in a session, learned with no configuration from ids seen in id positions
 * (values under id-named keys, session entities, schema patterns), so ids can be found in prose.
 * A shape must be specific: one that matches ordinary words, numbers, dates, amounts or phone
 * numbers is never kept.
 */

export interface IdShape {
  /** The regex source, for evidence. */
  source: string;
  regex: RegExp;
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

/** Tokens an id shape must never match: the things model text is full of. */
const ORDINARY = [
  'the', 'Order', 'order', 'hello', 'Thanks', 'customer_service', 'e-mail', 'check-in', 'follow-up', 'one-way', 'round_trip', 'basic_economy',
  '7', '42', '100', '2024', '12345', '1234567', '5551234567', '4421486', '3.14', '1,234.56', '$42.10', 'USD', '42.10',
  '2024-05-20', '05/20/2024', '20.05.2024', '2024/05/20', '10:30', '07:00:00', 'T09:30',
  '555-123-4567', '+1-555-123-4567', '(555)', '123-4567', '1-800-555-0199',
  'COVID-19', 'Wi-Fi', 'iPhone', 'A4', 'MP3', 'B2B', '4K', 'x86_64', 'utf-8', 'UTF-8', 'ISO-8601', 'gpt-4o', 'GPT-4',
];

const BOUNDARY_BEFORE = '(?<![\\p{L}\\p{N}_#-])';
const BOUNDARY_AFTER = '(?![\\p{L}\\p{N}_-]|\\.[\\p{L}\\p{N}])';

/** Compiled shapes, shared by every session that learns the same one (`find` resets lastIndex before each use). */
const compiled = new Map<string, RegExp | null>();

function compile(source: string, flags = 'gu'): RegExp | undefined {
  const key = `${flags}/${source}`;
  let regex = compiled.get(key);
  if (regex === undefined) {
    try {
      regex = new RegExp(`${BOUNDARY_BEFORE}(?:${source})${BOUNDARY_AFTER}`, flags);
    } catch {
      regex = null;
    }
    if (compiled.size >= 4_096) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, regex);
  }
  return regex ?? undefined;
}

function isSpecific(regex: RegExp, needsLetterAndDigit: boolean): boolean {
  for (const sample of ORDINARY) {
    regex.lastIndex = 0;
    const match = regex.exec(sample);
    if (match && match[0] === sample && (!needsLetterAndDigit || hasLetterAndDigit(sample))) return false;
  }
  return true;
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
    if (/^[A-Za-z]+$/.test(run)) return run.length <= 2 ? `${letterClass(run)}{1,3}` : `${letterClass(run)}+`;
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
const shapeCache = new Map<string, ReturnType<typeof shapeOfId> | null>();

function cachedShapeOf(id: string): ReturnType<typeof shapeOfId> {
  let shape = shapeCache.get(id);
  if (shape === undefined) {
    shape = shapeOfId(id) ?? null;
    if (shapeCache.size >= 4_096) shapeCache.delete(shapeCache.keys().next().value!);
    shapeCache.set(id, shape);
  }
  return shape ?? undefined;
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
    if (base) base.shared = true;
  }

  /** A set starting with this one's shapes, sharing them until either learns a new one. */
  fork(): IdShapeSet {
    return new IdShapeSet(this.capacity, this);
  }

  /** Learns the shape of an example id; returns whether a new shape was kept. */
  learnFrom(id: string, origin: string): boolean {
    const shape = cachedShapeOf(id);
    return shape !== undefined && this.add(shape.source, `example:${origin}`, shape.needsLetterAndDigit);
  }

  /** Adds a declared pattern (a schema `pattern`, a policy pattern), unanchored, if it is specific. */
  addPattern(pattern: string, origin: string): boolean {
    const source = pattern.replace(/^\^/, '').replace(/(?<!\\)\$$/, '');
    return this.add(source, origin, false);
  }

  addUuid(origin: string): boolean {
    return this.add(UUID_SOURCE, origin, false);
  }

  private add(source: string, origin: string, needsLetterAndDigit: boolean): boolean {
    if (this.shapes.has(source) || this.shapes.size >= this.capacity) return false;
    const regex = compile(source);
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
      shape.regex.lastIndex = 0;
      for (let match = shape.regex.exec(text); match !== null; match = shape.regex.exec(text)) {
        if (match[0].length === 0) {
          shape.regex.lastIndex += 1;
          continue;
        }
        if (shape.needsLetterAndDigit && !hasLetterAndDigit(match[0])) continue;
        if (!found.has(match[0])) found.set(match[0], { token: match[0], shape, index: match.index });
      }
    }
    return [...found.values()].sort((a, b) => a.index - b.index);
  }
}
