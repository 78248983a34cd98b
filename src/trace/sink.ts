import type { TraceEvent } from './events.js';

/**
 * Where recorded events go (a JSONL file, memory, a collector). `write` is called synchronously for
 * every event, in step order; a sink that throws is reported as the guard's `error` event, never to the agent.
 * A sink may finish an event later and return a promise (the file sinks do for an event too large to
 * write within a few milliseconds): the guard waits for it before it decides on the call or result it
 * recorded, treats a rejection as a throw, and relies on the sink to keep its events in the order given.
 */
export interface TraceSink {
  write(event: TraceEvent): void | Promise<void>;
}
