import { ACTIONS, type Action } from './trace/events.js';

/** One decision of a replay, as it reports it (mirrors `ReplayDecision`). */
interface Decided {
  step: number;
  tool: string;
  action: Action;
  readonly flags: readonly string[];
}

/** Most decisions raise no flag: one shared, frozen empty list keeps a million of them from costing a million arrays. */
export const NO_FLAGS: readonly string[] = Object.freeze([]);

const ACTION_INDEX = new Map<string, number>(ACTIONS.map((action, index) => [action, index]));

function grown<T extends Float64Array | Uint32Array | Uint8Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const bigger = new (array.constructor as new (length: number) => T)(Math.max(needed, array.length * 2));
  bigger.set(array);
  return bigger;
}

/**
 * The decisions of finished sessions, packed in typed arrays instead of kept as objects until a
 * replay ends: a million-event trace leaves hundreds of thousands of them, and the heap V8 keeps
 * grows with what survives its collections. Each session's become objects once, when asked for.
 * Tool names and flag lists are stored once each; a flag list given back is shared and frozen.
 */
export class PackedDecisions {
  private steps = new Float64Array(1_024);
  private tools = new Uint32Array(1_024);
  private actions = new Uint8Array(1_024);
  private flagLists = new Uint32Array(1_024);
  private size = 0;
  private sessionStarts = new Float64Array(256);
  private sessionCounts = new Uint32Array(256);
  private sessions = 0;
  private readonly toolNames: string[] = [];
  private readonly toolIndex = new Map<string, number>();
  private readonly lists: Array<readonly string[]> = [NO_FLAGS];
  private readonly listIndex = new Map<string, number>();

  /** Packs one session's decisions; the number returned gives them back. */
  add(decisions: readonly Decided[]): number {
    const needed = this.size + decisions.length;
    this.steps = grown(this.steps, needed);
    this.tools = grown(this.tools, needed);
    this.actions = grown(this.actions, needed);
    this.flagLists = grown(this.flagLists, needed);
    for (const decision of decisions) {
      const at = this.size++;
      this.steps[at] = decision.step;
      this.tools[at] = this.toolOf(decision.tool);
      this.actions[at] = ACTION_INDEX.get(decision.action)!;
      this.flagLists[at] = this.listOf(decision.flags);
    }
    this.sessionStarts = grown(this.sessionStarts, this.sessions + 1);
    this.sessionCounts = grown(this.sessionCounts, this.sessions + 1);
    this.sessionStarts[this.sessions] = needed - decisions.length;
    this.sessionCounts[this.sessions] = decisions.length;
    return this.sessions++;
  }

  /** A packed session's decisions, as objects. */
  decisionsOf(session: number): Decided[] {
    const start = this.sessionStarts[session]!;
    const out: Decided[] = new Array(this.sessionCounts[session]!);
    for (let index = 0; index < out.length; index += 1) {
      const at = start + index;
      out[index] = { step: this.steps[at]!, tool: this.toolNames[this.tools[at]!]!, action: ACTIONS[this.actions[at]!]!, flags: this.lists[this.flagLists[at]!]! };
    }
    return out;
  }

  private toolOf(tool: string): number {
    let index = this.toolIndex.get(tool);
    if (index === undefined) {
      index = this.toolNames.push(tool) - 1;
      this.toolIndex.set(tool, index);
    }
    return index;
  }

  private listOf(flags: readonly string[]): number {
    if (flags.length === 0) return 0;
    const key = `${flags.length}\u0000${flags.join('\u0000')}`;
    let index = this.listIndex.get(key);
    if (index === undefined) {
      index = this.lists.push(Object.freeze([...flags]) as string[]) - 1;
      this.listIndex.set(key, index);
    }
    return index;
  }
}
