import { readFileSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { convertChatTranscript, type ChatMessage } from '../convert/openai-chat.js';
import type { ToolDefinitionLike } from '../tool-definition.js';
import type { TraceEvent } from '../trace/events.js';
import { CommandFailure, readableFile } from './options.js';

interface Transcript {
  sessionId: string;
  messages: ChatMessage[];
}

function isMessage(value: unknown): value is ChatMessage {
  return value !== null && typeof value === 'object' && typeof (value as { role?: unknown }).role === 'string';
}

/** Finds the transcripts in a parsed file: messages, `{messages}`, `{traj}`, or an array of runs (tau-bench). */
function transcriptsIn(value: unknown, fallbackId: string): Transcript[] {
  if (Array.isArray(value) && value.every(isMessage)) return [{ sessionId: fallbackId, messages: value }];
  const one = (item: unknown, index: number): Transcript | undefined => {
    if (item === null || typeof item !== 'object') return undefined;
    const record = item as Record<string, unknown>;
    const messages = Array.isArray(record.messages) ? record.messages : Array.isArray(record.traj) ? record.traj : undefined;
    if (!messages || !messages.every(isMessage)) return undefined;
    const id =
      typeof record.session_id === 'string' ? record.session_id
      : record.task_id !== undefined ? `task${String(record.task_id)}${record.trial !== undefined ? `-trial${String(record.trial)}` : ''}`
      : index === 0 && !Array.isArray(value) ? fallbackId : `${fallbackId}-${index}`;
    return { sessionId: id, messages };
  };
  const items = Array.isArray(value) ? value : [value];
  const found = items.map(one);
  if (found.some((transcript) => transcript === undefined)) return [];
  return found as Transcript[];
}

function loadTools(path: string | undefined): ToolDefinitionLike[] | undefined {
  if (path === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    const tools = Array.isArray(parsed) ? parsed : (parsed as { tools?: unknown }).tools;
    if (!Array.isArray(tools)) throw new Error('expected an array of tool definitions (or {"tools": [...]})');
    return tools as ToolDefinitionLike[];
  } catch (error) {
    throw new CommandFailure(`cannot use tools file ${path}: ${(error as Error).message}`, 2);
  }
}

/** `warden convert`: OpenAI-style chat transcripts to trace v1 JSONL. */
export async function runConvert(file: string, options: { tools?: string; model?: string; session?: string; output?: string }): Promise<number> {
  await readableFile(file);
  const tools = loadTools(options.tools);
  const text = file.endsWith('.gz') ? gunzipSync(readFileSync(file)).toString('utf8') : readFileSync(file, 'utf8');
  const fallbackId = options.session ?? basename(file.replace(/\.gz$/, ''), extname(file.replace(/\.gz$/, '')));
  let transcripts: Transcript[] = [];
  try {
    transcripts = transcriptsIn(JSON.parse(text), fallbackId);
  } catch {
    // Not one JSON document: one transcript per line.
    text.split('\n').forEach((line, index) => {
      if (line.trim() === '') return;
      try {
        transcripts.push(...transcriptsIn(JSON.parse(line), `${fallbackId}-${index + 1}`));
      } catch (error) {
        process.stderr.write(`warden: ${file}: line ${index + 1}: not valid JSON (${(error as Error).message}) (skipped)\n`);
      }
    });
  }
  if (transcripts.length === 0) throw new CommandFailure(`${file} holds no chat transcript (messages with a role)`, 1);
  const events: TraceEvent[] = transcripts.flatMap((transcript) =>
    convertChatTranscript(transcript.messages, { sessionId: transcript.sessionId, ...(tools ? { tools } : {}), ...(options.model ? { model: options.model } : {}) }),
  );
  const jsonl = events.map((event) => JSON.stringify(event)).join('\n') + '\n';
  if (options.output) writeFileSync(options.output, jsonl);
  else process.stdout.write(jsonl);
  process.stderr.write(`warden: converted ${transcripts.length} session(s), ${events.length} events\n`);
  return 0;
}
