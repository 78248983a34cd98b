/**
 * How well triage locates the decisive error of a multi-agent run: Who&When failure logs (each with
 * its labelled `mistake_step`, an index into `history`, and `mistake_agent`) converted with
 * `convertMultiAgentLog`, triaged with `triageTrace`, and the fault origin compared with the labels,
 * beside two trivial baselines. Triage never sees the labels: they are read here, from the logs.
 * Shared by test/corpus.who-and-when.test.ts (the fixture subset) and `npm run bench` (the whole corpus).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { convertMultiAgentLog, HISTORY_STEP_OFFSET, triageTrace, type MultiAgentLog, type SessionTriage } from '../src/forensics/index.js';
import type { TraceEvent } from '../src/trace/events.js';

/** One labelled log: `name` is its folder and file number (`hand-crafted/7`). */
export interface LabelledLog {
  name: string;
  log: MultiAgentLog & { mistake_step?: unknown; mistake_agent?: unknown };
}

/** A guess at the decisive step: a `history` index and the agent that wrote it. */
export interface Guess {
  index: number;
  agent: string | undefined;
}

export interface LogOutcome {
  name: string;
  messages: number;
  label: Guess;
  triage: SessionTriage;
  /** Triage's fault origin as a `history` index, or null when triage found no origin. */
  located: Guess | null;
  baselines: Record<Baseline, Guess | null>;
}

/**
 * Guesses that know nothing about the log: the first agent message (the plan, or the first answer),
 * and the first message of a second agent (the first subagent's work).
 */
export const BASELINES = ['first agent message', 'first message of a second agent'] as const;
export type Baseline = (typeof BASELINES)[number];

const LOG_FILE = /^(\d+)\.json(?:\.gz)?$/;

/** The logs of each folder, in file-number order (`1.json`, `2.json`, ...; gzip-compressed too). */
export function loadLogs(root: string, folders: readonly string[] = ['hand-crafted', 'algorithm-generated']): LabelledLog[] {
  return folders.flatMap((folder) =>
    readdirSync(join(root, folder))
      .filter((file) => LOG_FILE.test(file))
      .sort((a, b) => Number(LOG_FILE.exec(a)![1]) - Number(LOG_FILE.exec(b)![1]))
      .map((file) => {
        const bytes = readFileSync(join(root, folder, file));
        const text = file.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
        return { name: `${folder}/${LOG_FILE.exec(file)![1]}`, log: JSON.parse(text) as LabelledLog['log'] };
      }),
  );
}

/** Agent names compared as the labels write them: case and surrounding space aside (`Websurfer`). */
const sameAgent = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();

function baselineGuesses(events: readonly TraceEvent[]): Record<Baseline, Guess | null> {
  const spoken = events.filter((event) => event.type === 'llm.call' || event.type === 'subagent.output');
  const first = spoken[0];
  const second = spoken.find((event) => event.agent !== first?.agent);
  const guess = (event: TraceEvent | undefined): Guess | null => (event ? { index: event.step - HISTORY_STEP_OFFSET, agent: event.agent } : null);
  return { 'first agent message': guess(first), 'first message of a second agent': guess(second) };
}

/** Converts and triages every log (as one trace of many sessions), with the labels and the baselines beside. */
export async function triageLogs(logs: readonly LabelledLog[]): Promise<{ outcomes: LogOutcome[]; problems: number }> {
  const converted = logs.map(({ name, log }) => ({ name, log, events: convertMultiAgentLog(log, { sessionId: name }) }));
  const lines = converted.flatMap(({ events }) => events.map((event) => `${JSON.stringify(event)}\n`));
  const report = await triageTrace(Readable.from(lines));
  const bySession = new Map(report.sessions.map((session) => [session.session_id, session]));
  const outcomes = converted.map(({ name, log, events }): LogOutcome => {
    const triage = bySession.get(name);
    if (!triage) throw new Error(`triage returned no session for ${name}`);
    const origin = triage.fault_origin;
    return {
      name,
      messages: log.history.length,
      label: { index: Number(log.mistake_step), agent: typeof log.mistake_agent === 'string' ? log.mistake_agent : undefined },
      triage,
      located: origin ? { index: origin.step - HISTORY_STEP_OFFSET, agent: origin.agent } : null,
      baselines: baselineGuesses(events),
    };
  });
  return { outcomes, problems: report.problems.length };
}

export interface AccuracyRow {
  method: string;
  logs: number;
  /** Logs the method named a step for (a baseline always does; triage only on evidence). */
  named: number;
  'exact step': number;
  'step accuracy': string;
  'agent accuracy': string;
  /** Exact steps among the logs the method named a step for. */
  'step precision': string;
}

const percent = (part: number, whole: number) => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`);

function row(method: string, outcomes: readonly LogOutcome[], guessOf: (outcome: LogOutcome) => Guess | null): AccuracyRow {
  let named = 0;
  let steps = 0;
  let agents = 0;
  for (const outcome of outcomes) {
    const guess = guessOf(outcome);
    if (!guess) continue;
    named += 1;
    if (guess.index === outcome.label.index) steps += 1;
    if (sameAgent(guess.agent, outcome.label.agent)) agents += 1;
  }
  return { method, logs: outcomes.length, named, 'exact step': steps, 'step accuracy': percent(steps, outcomes.length), 'agent accuracy': percent(agents, outcomes.length), 'step precision': percent(steps, named) };
}

/** Triage and the baselines over the logs; then the baselines again on only the logs triage named a step for. */
export function accuracy(outcomes: readonly LogOutcome[]): AccuracyRow[] {
  const named = outcomes.filter((outcome) => outcome.located !== null);
  return [
    row('warden triage', outcomes, (outcome) => outcome.located),
    ...BASELINES.map((baseline) => row(`baseline: ${baseline}`, outcomes, (outcome) => outcome.baselines[baseline])),
    ...BASELINES.map((baseline) => row(`baseline: ${baseline}, same logs as triage`, named, (outcome) => outcome.baselines[baseline])),
  ];
}

/** The rows for each folder of logs (`hand-crafted`, `algorithm-generated`) and for all of them. */
export function accuracyByFolder(outcomes: readonly LogOutcome[]): Array<AccuracyRow & { logs_from: string }> {
  const folders = [...new Set(outcomes.map((outcome) => outcome.name.split('/')[0]!))];
  return [...folders, 'all'].flatMap((folder) => {
    const chosen = folder === 'all' ? outcomes : outcomes.filter((outcome) => outcome.name.startsWith(`${folder}/`));
    return accuracy(chosen).map((entry) => ({ logs_from: folder, ...entry }));
  });
}
