import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { ChatMessage } from '../convert/openai-chat.js';
import type { AgentMessage, MultiAgentLog } from '../convert/multi-agent-log.js';
import type { ToolDefinitionLike } from '../tool-definition.js';
import { InputError, readInputChunks, resolveTraceInputs, type TraceInput } from '../trace/input.js';
import { statusAfterReading } from './exit-status.js';
import { safeMessage } from './safe-message.js';
import { escapeUnsafe } from '../trace/printable.js';
import type { Command } from './command.js';
import { CommandFailure, stringOption } from './options.js';
import { openOutputStream, writeChunk } from './output.js';
import { Progress, progressWanted } from './progress.js';
import { MAX_REPORTED_PROBLEMS } from './trace-input.js';

function isMessage(value: unknown): value is ChatMessage {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as { role?: unknown }).role === 'string';
}

/** A transcript to convert: OpenAI-style chat messages, or a multi-agent log with a `history` (Who&When). */
type Transcript = { kind: 'chat'; sessionId: string; messages: ChatMessage[] } | { kind: 'multi-agent'; sessionId: string; log: MultiAgentLog };

/** One transcript object: `{messages}`, a run with `traj` (tau-bench), or a multi-agent log with `history`. */
function transcriptOf(value: unknown, fallbackId: string): Transcript | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const sessionId =
    typeof record.session_id === 'string' && record.session_id !== '' ? record.session_id
    : record.task_id !== undefined ? `task${String(record.task_id)}${record.trial !== undefined ? `-trial${String(record.trial)}` : ''}`
    : fallbackId;
  if (Array.isArray(record.history) && record.history.every(isMessage)) {
    return { kind: 'multi-agent', sessionId, log: { ...record, history: record.history as AgentMessage[] } };
  }
  const messages = Array.isArray(record.messages) ? record.messages : Array.isArray(record.traj) ? record.traj : undefined;
  if (!messages || !messages.every(isMessage)) return undefined;
  return { kind: 'chat', sessionId, messages };
}

function loadTools(path: string | undefined): ToolDefinitionLike[] | undefined {
  if (path === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    const tools = Array.isArray(parsed) ? parsed : (parsed as { tools?: unknown })?.tools;
    if (!Array.isArray(tools)) throw new Error('expected an array of tool definitions (or {"tools": [...]})');
    return tools as ToolDefinitionLike[];
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new CommandFailure(`cannot use tools file ${path}: ${safeMessage(reason, 300)}`, 2);
  }
}

/**
 * The JSON values of a piece of text: one, or, when it does not parse and spans lines (a broken line
 * in JSON Lines swallows the ones after it), each line on its own, so one bad line loses only itself.
 */
type Parsed = { value: unknown; line: number } | { error: string; line: number };

function parseValues(text: string, line: number): Parsed[] {
  try {
    return [{ value: JSON.parse(text), line }];
  } catch (error) {
    if (!text.includes('\n')) return [{ error: (error as Error).message, line }];
  }
  return text.split('\n').flatMap((part, offset): Parsed[] => {
    if (part.trim() === '') return [];
    try {
      return [{ value: JSON.parse(part) as unknown, line: line + offset }];
    } catch (error) {
      return [{ error: (error as Error).message, line: line + offset }];
    }
  });
}

function sourceName(input: TraceInput): string {
  return input.kind === 'file' ? input.path : 'stdin';
}

export const command: Command = {
  name: 'convert',
  usage: ['convert [options] FILE...'],
  description:
    'Turns OpenAI-style chat transcripts into session trace v1, so existing logs can be replayed and triaged: a message list, {"messages": [...]}, an array of runs with "traj" (tau-bench), or one transcript per line. Multi-agent logs {"history": [{"role", "name"?, "content"}], "question"?} (Who&When; Magentic-One or AG2 roles) become one event per message, history[i] at step i+1: the human a user message, the main agent an llm.call, every other agent (web surfer, code terminal, expert) an untrusted subagent.output of that agent; the log\'s other fields (labels included) are kept in session.start metadata, which triage never reads. Streams: memory is bounded by the largest single transcript, whatever the file size. FILE may be .gz, or - for stdin. Values that are no transcript (broken JSON, another shape) are reported on stderr and skipped, and the command then exits with status 3; so does a gzip file cut short, after converting what came before the cut (a message list the cut went through keeps its messages read).',
  options: {
    tools: { type: 'string', arg: 'FILE', help: 'the tool definitions (OpenAI function specs, MCP or trace shape; an array or {"tools": [...]}). Without them every call replays as TOOL_UNKNOWN' },
    model: { type: 'string', arg: 'NAME', help: 'the model name recorded on each llm.call (default "unknown")' },
    'main-agent': { type: 'string', arg: 'NAME', help: 'in a multi-agent log, the agent that is the model under guard (default: the one that addresses other agents, else the "assistant", else the first to speak); the others are its subagents' },
    session: { type: 'string', arg: 'ID', help: 'the session id of a transcript that carries none (default: the file name)' },
    output: { type: 'string', short: 'o', arg: 'FILE', help: 'write the trace to FILE (folders created as needed) instead of stdout' },
    quiet: { type: 'boolean', short: 'q', help: 'no progress, summary or warnings on stderr (skipped input is still reported)' },
  },
  positionals: [1, Infinity],
  examples: [
    ['warden convert --tools tools.json --model gpt-4o runs.json -o runs.jsonl', 'tau-bench style runs to a trace file'],
    ['warden convert chat.json --session chat-1 | warden triage -', 'convert and triage in one pipe'],
    ['warden convert who-and-when/*.json -o runs.jsonl', 'multi-agent logs, one session per file (named after it)'],
  ],
  async run({ values, positionals }) {
    const quiet = values.quiet === true;
    const toolsPath = stringOption(values.tools);
    const tools = loadTools(toolsPath);
    const model = stringOption(values.model);
    const mainAgent = stringOption(values['main-agent']);
    const session = stringOption(values.session);
    const outputPath = stringOption(values.output);
    let inputs: TraceInput[];
    try {
      inputs = await resolveTraceInputs(positionals, process.stdin, /\.(?:json|jsonl)(?:\.gz)?$/, '*.json, *.jsonl or .gz');
    } catch (error) {
      if (error instanceof InputError) throw new CommandFailure(`cannot read ${error.message}`, 1);
      throw error;
    }
    const { convertChatTranscript } = await import('../convert/openai-chat.js');
    const { convertMultiAgentLog } = await import('../convert/multi-agent-log.js');
    const { jsonValues } = await import('../convert/json-values.js');
    const out = outputPath ? await openOutputStream(outputPath) : process.stdout;
    const progress = new Progress('warden convert', progressWanted({ quiet }));
    let problems = 0;
    const problem = (where: string, reason: string) => {
      problems += 1;
      if (problems <= MAX_REPORTED_PROBLEMS) process.stderr.write(`warden: ${safeMessage(where, 200)}: ${safeMessage(reason, 300)} (skipped)\n`);
    };
    let sessions = 0;
    let events = 0;
    let toolCalls = 0;
    const seen = new Set<string>();
    const emit = async (transcript: Transcript, where: string) => {
      const { sessionId } = transcript;
      let id = sessionId;
      for (let index = 2; seen.has(id); index += 1) id = `${sessionId}-${index}`;
      let converted;
      try {
        converted =
          transcript.kind === 'chat'
            ? convertChatTranscript(transcript.messages, { sessionId: id, ...(tools ? { tools } : {}), ...(model ? { model } : {}) })
            : convertMultiAgentLog(transcript.log, { sessionId: id, ...(model ? { model } : {}), ...(mainAgent ? { mainAgent } : {}) });
      } catch (error) {
        problem(where, `cannot convert this transcript: ${(error as Error).message}`);
        return;
      }
      if (seen.size < 1_000_000) seen.add(id);
      sessions += 1;
      for (const event of converted) {
        if (event.type === 'tool.call') toolCalls += 1;
        progress.event(id);
      }
      events += converted.length;
      // JSON escapes for what JSON.stringify leaves raw and a terminal acts on (C1, bidi controls): the same events, safe on a screen.
      await writeChunk(out, converted.map((event) => `${escapeUnsafe(JSON.stringify(event), true)}\n`).join(''));
    };
    try {
      for (const input of inputs) {
        const name = sourceName(input);
        const fallbackId = session ?? basename(name).replace(/\.gz$/, '').replace(/\.jsonl?$/, '');
        // Raw chunks, gzip undone: the splitter needs no line structure (a 50 MB document may be one line).
        // A gzip file cut short keeps what was decompressed before the cut: converted, and the cut told as a skipped part (status 3).
        let gzipStop: string | undefined;
        const chunks = readInputChunks(input, (why) => (gzipStop = why));
        let loose: { messages: ChatMessage[]; line: number } | undefined; // messages one after another at top level
        const arrays = new Map<number, { messages: ChatMessage[]; line: number; runs: number }>();
        let topLevel = 0;
        const flushLoose = async () => {
          if (loose) await emit({ kind: 'chat', messages: loose.messages, sessionId: topLevel === 0 ? fallbackId : `${fallbackId}-${loose.line}` }, `${name}: line ${loose.line}`);
          loose = undefined;
        };
        // One parsed value: a message of a transcript being gathered, or a whole transcript.
        const take = async (value: unknown, line: number, array: number | undefined): Promise<void> => {
          const item = { line, array };
          if (item.array !== undefined) {
            const group = arrays.get(item.array) ?? { messages: [] as ChatMessage[], line: item.line, runs: 0 };
            arrays.set(item.array, group);
            if (isMessage(value)) group.messages.push(value);
            else {
              const transcript = transcriptOf(value, `${fallbackId}-${group.runs}`);
              if (transcript) await emit(transcript, `${name}: line ${item.line}`);
              else problem(`${name}: line ${item.line}`, 'not a chat message or transcript (expected {"role": ...}, {"messages": [...]}, {"traj": [...]} or {"history": [...]})');
            }
            group.runs += 1;
            return;
          }
          if (isMessage(value)) {
            loose ??= { messages: [], line: item.line };
            loose.messages.push(value);
            return;
          }
          await flushLoose();
          const transcript = transcriptOf(value, topLevel === 0 ? fallbackId : `${fallbackId}-${item.line}`);
          topLevel += 1;
          if (transcript) await emit(transcript, `${name}: line ${item.line}`);
          else problem(`${name}: line ${item.line}`, 'not a chat transcript (expected a message list, {"messages": [...]}, {"traj": [...]} or {"history": [...]})');
        };
        for await (const item of jsonValues(chunks)) {
          if (item.kind === 'too-large') {
            problem(`${name}: line ${item.line}`, 'a value larger than 64 MiB');
            continue;
          }
          if (item.kind === 'array-end') {
            const group = arrays.get(item.array);
            arrays.delete(item.array);
            if (group && group.messages.length > 0) await emit({ kind: 'chat', messages: group.messages, sessionId: topLevel === 0 ? fallbackId : `${fallbackId}-${group.line}` }, `${name}: line ${group.line}`);
            topLevel += 1;
            continue;
          }
          for (const parsed of parseValues(item.text, item.line)) {
            if ('error' in parsed) {
              problem(`${name}: line ${parsed.line}`, `not valid JSON (${parsed.error})`);
              continue;
            }
            await take(parsed.value, parsed.line, item.array);
          }
        }
        await flushLoose();
        // An array of messages the input ended inside (a file cut short: its `[` was reported as invalid JSON) keeps the messages read.
        for (const group of arrays.values()) {
          if (group.messages.length > 0) await emit({ kind: 'chat', messages: group.messages, sessionId: topLevel === 0 ? fallbackId : `${fallbackId}-${group.line}` }, `${name}: line ${group.line}`);
        }
        if (gzipStop !== undefined) problem(name, gzipStop);
      }
    } catch (error) {
      if (error instanceof InputError) throw new CommandFailure(`cannot read ${error.message}`, 1);
      throw error;
    } finally {
      progress.stop();
      if (out !== process.stdout) await new Promise<void>((resolve) => (out as NodeJS.WritableStream).end(resolve));
    }
    if (problems > MAX_REPORTED_PROBLEMS) process.stderr.write(`warden: ${problems - MAX_REPORTED_PROBLEMS} more lines skipped (${problems} in all)\n`);
    if (sessions === 0) throw new CommandFailure(`${positionals.join(', ')} holds no chat transcript (messages with a role)`, 1);
    if (!quiet) {
      process.stderr.write(`warden convert: converted ${sessions} session(s), ${events} events, ${toolCalls} tool calls, ${problems} skipped, ${progress.elapsed()}\n`);
      if (!tools && toolCalls > 0) {
        process.stderr.write(`warden convert: warning: no tool definitions were given (--tools FILE): the trace defines no tool, so replay and triage will flag each of its ${toolCalls} tool calls TOOL_UNKNOWN.\n`);
      }
    }
    return statusAfterReading(problems);
  },
};
