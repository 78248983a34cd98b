import { LRUCache } from 'lru-cache';

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
}

/**
 * An LRU of at most `entries` ids. Bounded by `maxSize` with unit sizes rather than `max`: with `max`,
 * lru-cache preallocates arrays of that length (about 1 MB for 100,000) in every session.
 */
function bounded(entries: number): LRUCache<string, Provenance> {
  return new LRUCache<string, Provenance>({ maxSize: entries, sizeCalculation: () => 1 });
}

/**
 * Every id the session has seen and where it came from. Bounded: ids from the user, the system
 * prompt and session start live apart from tool-result ids, so a huge result cannot evict them.
 */
export class EntityLedger {
  private readonly anchored: LRUCache<string, Provenance>;
  private readonly trusted: LRUCache<string, Provenance>;
  private readonly untrusted: LRUCache<string, Provenance>;

  constructor(capacity: number) {
    this.anchored = bounded(Math.max(1_000, Math.floor(capacity / 4)));
    this.trusted = bounded(capacity);
    this.untrusted = bounded(Math.max(1_000, Math.floor(capacity / 4)));
  }

  /**
   * Records tokens with their provenance, keeping the first sighting.
   * `exclude` holds tokens the content merely echoes (a result repeating its call's arguments).
   */
  record(tokens: Iterable<string>, provenance: Provenance, exclude?: ReadonlySet<string>): void {
    const anchoredSource = provenance.source === 'user' || provenance.source === 'system' || provenance.source === 'session.start' || provenance.source.startsWith('definition:');
    const target = provenance.trust === 'untrusted' ? this.untrusted : anchoredSource ? this.anchored : this.trusted;
    for (const token of tokens) {
      if (exclude?.has(token)) continue;
      if (target.get(token) === undefined) target.set(token, provenance);
    }
  }

  lookup(token: string): ProvenanceLookup {
    const trusted = this.anchored.get(token) ?? this.trusted.get(token);
    const untrusted = this.untrusted.get(token);
    return { trusted, untrusted };
  }

  get size(): number {
    return this.anchored.size + this.trusted.size + this.untrusted.size;
  }
}
