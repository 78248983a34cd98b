import { hasDigit } from '../text/has-digit.js';
import { tokenHash } from '../text/token-table.js';
import { TokenMap } from './token-map.js';
import { hashAbbreviations } from '../text/hex-id-forms.js';

export type Trust = 'trusted' | 'untrusted';

/** Where an id was first seen. */
export interface Provenance {
  step: number;
  /** `user`, `system`, `session.start`, `tool:get_order`, `subagent`, `retrieval`, ... */
  source: string;
  trust: Trust;
}

export interface ProvenanceLookup {
  trusted?: Provenance;
  untrusted?: Provenance;
  /** Seen only in content the guard withheld from the model (`recordWithheld`): never context, but evidence of a leak. */
  withheld?: Provenance;
}

/** Content whose tokens were not all kept: which step, from where, and how many were left out. */
export interface DroppedTokens {
  step: number;
  source: string;
  dropped: number;
}

/**
 * At most `capacity` ids, those unseen longest dropped first, in two generations of up to half the
 * capacity each: ids go into the young one, a lookup that finds one in the old moves it to the young,
 * and when the young is full it becomes the old and the former old is dropped whole. An id is kept
 * at least until half the capacity of other ids has come after its last sighting. Every operation is
 * a lookup or two. (A single Map kept in recency order, a hit moved to its end and the oldest read
 * with `keys().next()`, slowed every call once the ledger was three quarters full: the moved and
 * evicted entries leave holes V8 walks until it rehashes, 25 to 650 µs a call from 75,000 ids on.)
 * A large generation is a token table keyed by the scans' own seeded hash (TokenMap), not a Map: a 1 MB
 * result brings 10,000 new ids at once, and a Map took about 300 ns to insert each, a quarter of the
 * result's whole scan. Created on first use, so an idle session pays for none of it.
 */
class RecentIds {
  private young: TokenMap<Provenance> | undefined;
  private old: TokenMap<Provenance> | undefined;
  private readonly generation: number;

  constructor(capacity: number) {
    this.generation = Math.max(1, Math.floor(capacity / 2));
  }

  /** `hash`: `tokenHash(token)`. */
  get(token: string, hash: number): Provenance | undefined {
    const found = this.young?.get(token, hash);
    if (found !== undefined || this.old === undefined) return found;
    const aged = this.old.get(token, hash);
    if (aged !== undefined) {
      this.old.delete(token, hash);
      this.keep(token, hash, aged);
    }
    return aged;
  }

  /** Keeps the first sighting: an id already present keeps its provenance (and is refreshed). */
  add(token: string, hash: number, provenance: Provenance): void {
    if (this.get(token, hash) === undefined) this.keep(token, hash, provenance);
  }

  private keep(token: string, hash: number, provenance: Provenance): void {
    const young = (this.young ??= new TokenMap());
    young.add(token, hash, provenance);
    if (young.size >= this.generation) {
      this.old = young;
      this.young = new TokenMap();
    }
  }

  get size(): number {
    return (this.young?.size ?? 0) + (this.old?.size ?? 0);
  }
}

/**
 * One copy of common short tokens for the whole process ("order", "status", "shipped"): sessions
 * keep references, not copies. Insert-only and bounded, so the words met first (the common ones) stay.
 */
const interned = new Map<string, string>();
const MAX_INTERNED = 65_536;

function intern(token: string): string {
  // Only words are shared across sessions: an id (it has a digit) belongs to its own session, and
  // would fill the pool with tokens no other session meets (and cost two lookups each).
  if (token.length > 32 || hasDigit(token)) return token;
  const known = interned.get(token);
  if (known !== undefined) return known;
  if (interned.size < MAX_INTERNED) interned.set(token, token);
  return token;
}


/** Drop records a session keeps, at most (the oldest go first). */
const MAX_DROP_RECORDS = 16;

/**
 * Every id the session has seen and where it came from. Bounded: ids from the user, the system
 * prompt and session start live apart from tool-result ids, so a huge result cannot evict them.
 * What one piece of content may add is bounded upstream (`MAX_CONTENT_TOKENS`); what it could not
 * add is counted here, so a flag about a missing id can say so.
 */
export class EntityLedger {
  private readonly anchored: RecentIds;
  private readonly trusted: RecentIds;
  /** Made on first use, as `withheld` is: most sessions never see third-party content. */
  private untrusted: RecentIds | undefined;
  /** Ids of withheld content, kept apart: they vouch for nothing and make nothing untrusted that another source gave. Made on first use. */
  private withheld: RecentIds | undefined;
  private readonly withheldCapacity: number;
  private readonly untrustedCapacity: number;
  private drops: DroppedTokens[] | undefined;
  /** Ids every session of a guard starts with (its tools' definitions): shared, read-only, never evicted. */
  private base: ReadonlyMap<string, Provenance> | undefined;

  constructor(capacity: number, base?: ReadonlyMap<string, Provenance>) {
    this.base = base;
    this.anchored = new RecentIds(Math.max(1_000, Math.floor(capacity / 4)));
    this.trusted = new RecentIds(capacity);
    this.untrustedCapacity = Math.max(1_000, Math.floor(capacity / 4));
    this.withheldCapacity = Math.max(1_000, Math.floor(capacity / 16));
  }

  /**
   * Records tokens with their provenance, keeping the first sighting.
   * `exclude` holds tokens the content merely echoes (a result repeating its call's arguments).
   */
  record(tokens: Iterable<string>, provenance: Provenance, exclude?: ReadonlySet<string>): void {
    const anchoredSource = provenance.source === 'user' || provenance.source === 'system' || provenance.source === 'session.start' || provenance.source.startsWith('definition:');
    const target = provenance.trust === 'untrusted' ? (this.untrusted ??= new RecentIds(this.untrustedCapacity)) : anchoredSource ? this.anchored : this.trusted;
    for (const token of tokens) {
      if (exclude?.has(token)) continue;
      const kept = intern(token);
      target.add(kept, tokenHash(kept), provenance);
      // A full commit hash vouches for its abbreviations (`9fceb02` for `9fceb02d0a...`): six more ids at most, for 40 or 64 hex digits only.
      if (token.length === 40 || token.length === 64) for (const prefix of hashAbbreviations(token)) if (!exclude?.has(prefix)) target.add(prefix, tokenHash(prefix), provenance);
    }
  }

  /**
   * Records the tokens of content the model never saw (a result withheld for injection or for naming another
   * customer, a refused call's late result). A later call sending to an account only such content named means the
   * content reached the model anyway (an integration that ignored the decision) or an attacker's plan did.
   */
  recordWithheld(tokens: Iterable<string>, provenance: Provenance, exclude?: ReadonlySet<string>): void {
    const withheld = (this.withheld ??= new RecentIds(this.withheldCapacity));
    for (const token of tokens) if (!exclude?.has(token)) withheld.add(token, tokenHash(token), provenance);
  }

  /** Notes that content at `step` had `dropped` tokens left out (over the per-content cap). */
  recordDropped(step: number, source: string, dropped: number): void {
    if (dropped <= 0) return;
    const drops = (this.drops ??= []);
    drops.push({ step, source, dropped });
    if (drops.length > MAX_DROP_RECORDS) drops.shift();
  }

  /** Content whose tokens were not all kept, oldest first (the last few). */
  get dropped(): readonly DroppedTokens[] {
    return this.drops ?? [];
  }

  lookup(token: string): ProvenanceLookup {
    const hash = tokenHash(token);
    const trusted = this.anchored.get(token, hash) ?? this.trusted.get(token, hash) ?? this.base?.get(token);
    const untrusted = this.untrusted?.get(token, hash);
    if (trusted !== undefined || untrusted !== undefined) return { trusted, untrusted };
    const withheld = this.withheld?.get(token, hash);
    return withheld === undefined ? {} : { withheld };
  }

  get size(): number {
    return this.anchored.size + this.trusted.size + (this.untrusted?.size ?? 0) + (this.withheld?.size ?? 0) + (this.base?.size ?? 0);
  }
}
