import type { TraceEvent } from './events.js';

/**
 * Where recorded events go (a JSONL file, memory, a collector). `write` is called synchronously for
 * every event, in step order; a sink that throws is reported as the guard's `error` event, never to the agent.
 */
export interface TraceSink {
  write(event: TraceEvent): void;
}
