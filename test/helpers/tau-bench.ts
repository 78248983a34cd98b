import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { convertChatTranscript, type ChatMessage } from '../../src/convert/openai-chat.js';
import type { ToolDefinitionLike } from '../../src/tool-definition.js';
import type { TraceEvent } from '../../src/trace/events.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The shared corpus, read in place: never copied into the project. */
export const TAU_BENCH = join(here, '..', '..', '..', 'shared', 'corpora', 'tau-bench');

export interface TauRun {
  task_id: number;
  trial: number;
  reward: number;
  traj: ChatMessage[];
}

export function loadAirlineRuns(): TauRun[] {
  return JSON.parse(readFileSync(join(TAU_BENCH, 'trajectories', 'gpt-4o-airline.json'), 'utf8')) as TauRun[];
}

export function loadAirlineTools(): ToolDefinitionLike[] {
  return JSON.parse(readFileSync(join(TAU_BENCH, 'schemas', 'airline_tool_schemas.json'), 'utf8')) as ToolDefinitionLike[];
}

export function runSessionId(run: TauRun): string {
  return `task${run.task_id}-trial${run.trial}`;
}

export function convertRun(run: TauRun, tools: ToolDefinitionLike[]): TraceEvent[] {
  return convertChatTranscript(run.traj, { sessionId: runSessionId(run), tools, model: 'gpt-4o' });
}

export function asJsonl(events: readonly TraceEvent[]): Readable {
  return Readable.from(events.map((event) => `${JSON.stringify(event)}\n`));
}
