import { ACTIONS, type Action } from './trace/events.js';
import { NumberColumn } from './number-column.js';

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

/**
 * The decisions of finished sessions, packed in typed arrays instead of kept as objects until a
 * replay ends: a million-event trace leaves hundreds of thousands of them, and the heap V8 keeps
 * grows with what survives its collections. Each session's become objects once, when asked for.
 * Tool names and flag lists are stored once each; a flag list given back is shared and frozen.
 */
export class PackedDecisions {
  private readonly steps = new NumberColumn('uint32');
  /** The tool's index and the action's, as `tool * ACTIONS.length + action`. */
  private readonly toolActions = new NumberColumn('uint32');
  private readonly flagLists = new NumberColumn('uint32');
  private size = 0;
  private readonly sessionStarts = new NumberColumn('uint32');
  private readonly sessionCounts = new NumberColumn('uint32');
  private readonly toolNames: string[] = [];
  private readonly toolIndex = new Map<string, number>();
  private readonly lists: Array<readonly string[]> = [NO_FLAGS];
  private readonly listIndex = new Map<string, number>();

  /** Packs the decisions of session `session` (a number the caller gives each session, from 0; packed again, the last ones count). */
  set(session: number, decisions: readonly Decided[]): void {
    // A session without decisions needs no start: most short sessions cost nothing here.
    this.sessionStarts.set(session, decisions.length === 0 ? 0 : this.size);
    this.sessionCounts.set(session, decisions.length);
    for (const decision of decisions) {
      const at = this.size++;
      this.steps.set(at, decision.step);
      this.toolActions.set(at, this.toolOf(decision.tool) * ACTIONS.length + ACTION_INDEX.get(decision.action)!);
      this.flagLists.set(at, this.listOf(decision.flags));
    }
  }

  /** A packed session's decisions, as objects. */
  decisionsOf(session: number): Decided[] {
    const start = this.sessionStarts.get(session);
    const out: Decided[] = new Array(this.sessionCounts.get(session));
    for (let index = 0; index < out.length; index += 1) {
      const at = start + index;
      const toolAction = this.toolActions.get(at);
      out[index] = { step: this.steps.get(at), tool: this.toolNames[Math.floor(toolAction / ACTIONS.length)]!, action: ACTIONS[toolAction % ACTIONS.length]!, flags: this.lists[this.flagLists.get(at)]! };
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
