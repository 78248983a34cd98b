/**
 * A session's steps, as triage's walk back from a flag needs them: an append-only log in columns,
 * looked up by binary search (a session's steps only grow: the reader rejects any other order).
 * One per open session on a million-event trace: columns are a few arrays, not a Map per fact and an
 * object per step, so a session that survives the young generation costs V8 little to move.
 * Keeps the earliest `capacity` steps (fault origins are early): memory stays bounded.
 */
export class StepLog {
  private readonly steps: number[] = [];
  private readonly types: string[] = [];
  private readonly agents: Array<string | undefined> = [];
  private readonly callIds: Array<string | undefined> = [];
  private readonly tools: Array<string | undefined> = [];

  constructor(private readonly capacity: number) {}

  /**
   * Logs a step: its event type, its agent, and the tool call it belongs to (arguments, not an
   * object: one per event of a long trace). Ignored when full or when the step is not after the last one.
   */
  add(step: number, type: string, agent: string | undefined, callId?: string, tool?: string): void {
    const { steps } = this;
    if (steps.length >= this.capacity || (steps.length > 0 && step <= steps[steps.length - 1]!)) return;
    steps.push(step);
    this.types.push(type);
    this.agents.push(agent);
    this.callIds.push(callId);
    this.tools.push(tool);
  }

  /** The event type at a step. */
  typeAt(step: number): string | undefined {
    const index = this.indexOf(step);
    return index < 0 ? undefined : this.types[index];
  }

  /** The agent that produced a step, in multi-agent sessions. */
  agentAt(step: number): string | undefined {
    const index = this.indexOf(step);
    return index < 0 ? undefined : this.agents[index];
  }

  /** The tool call a tool.call or tool.result step belongs to. */
  callAt(step: number): { callId: string; tool: string } | undefined {
    const index = this.indexOf(step);
    const callId = index < 0 ? undefined : this.callIds[index];
    return callId === undefined ? undefined : { callId, tool: this.tools[index] ?? '' };
  }

  private indexOf(step: number): number {
    const { steps } = this;
    let low = 0;
    let high = steps.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const found = steps[middle]!;
      if (found === step) return middle;
      if (found < step) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }
}
