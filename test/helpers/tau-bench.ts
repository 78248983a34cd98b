import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { convertChatTranscript, type ChatMessage } from '../../src/convert/openai-chat.js';
import type { ToolDefinitionLike } from '../../src/tool-definition.js';
import type { TraceEvent } from '../../src/trace/events.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The tau-bench airline runs and tool schemas, kept in the repo with their license (see its README). */
export const TAU_BENCH = join(here, '..', 'fixtures', 'tau-bench');
/** The 200 airline runs, gzip-compressed. */
export const AIRLINE_RUNS_GZ = join(TAU_BENCH, 'gpt-4o-airline.json.gz');
export const AIRLINE_TOOLS = join(TAU_BENCH, 'airline_tool_schemas.json');

export interface TauRun {
  task_id: number;
  trial: number;
  reward: number;
  traj: ChatMessage[];
}

export function loadAirlineRuns(): TauRun[] {
  return JSON.parse(gunzipSync(readFileSync(AIRLINE_RUNS_GZ)).toString('utf8')) as TauRun[];
}

export function loadAirlineTools(): ToolDefinitionLike[] {
  return JSON.parse(readFileSync(AIRLINE_TOOLS, 'utf8')) as ToolDefinitionLike[];
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
