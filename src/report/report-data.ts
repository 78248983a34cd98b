import { readFileSync } from 'node:fs';
import { ACTIONS, type Action, type TraceEvent } from '../trace/events.js';
import { triageTrace, type TraceSource, type TriageOptions } from '../forensics/triage.js';
import type { SessionTriage } from '../forensics/triage-types.js';
import { draftPostmortem } from '../forensics/postmortem.js';
import { replayTrace, type ReopenableTrace, type ReplaySession } from '../replay.js';
import { withReopenable } from '../forensics/spool.js';
import type { Decision } from '../session.js';
import { createRedactor, type RedactionOptions } from '../trace/redact.js';
import { isResolvedPolicy, resolvePolicy, type Policy } from '../policy/policy.js';
import { priceFor } from '../state/budget.js';
import { AnomalyCode } from '../codes.js';
import { BatchedLines, readInputLineBatches } from '../trace/input.js';
import type { TraceProblem } from '../trace/reader.js';
import { strongerAction, worstFirst } from './session-rank.js';
import { viewStep } from './step-view.js';
import { TextPool } from './text-pool.js';
import { shownId } from './shown-id.js';
import { REPORT_DATA_VERSION, type ReportBudget, type ReportData, type ReportSession, type ReportStep, type SessionOutcome } from './report-types.js';

export interface ReportOptions extends Omit<TriageOptions, 'onProblem'> {
  /** Report on this session only (its timeline gets the whole size budget). */
  sessionId?: string;
  /** The page title (default: "Incident report: " and the worst session). */
  title?: string;
  /** Characters of timeline and postmortem data the page may embed (default 4,000,000: a few MB). */
  maxBytes?: number;
  /**
   * Characters the overview's listing of sessions may take beyond `maxBytes` (default 4,000,000): past it the least
   * severe sessions are not listed at all, and a note says how many.
   */
  maxListBytes?: number;
  /** Characters shown of each piece of a step's content (default 4,000; 20,000 for one session). */
  contentChars?: number;
  /** Steps kept per session before only the flagged, origin and cascade steps are (default 2,000; 10,000 for one session). */
  maxStepsPerSession?: number;
  /** How content is redacted: the recorder's defaults unless set. */
  redaction?: RedactionOptions;
  /** A line of a trace was skipped (`source` names its file when there are several). */
  onProblem?(problem: TraceProblem): void;
  /** The names of the traces, for the page's header (default: the files given, or "trace"). */
  sources?: string[];
  /** The report's time (default: now). */
  now?: Date;
}

const MAX_PROBLEMS_SHOWN = 20;
const NANO = 1e9;

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    if (pkg.version) return pkg.version;
  } catch {
    // Running from an unusual layout: the version is only shown in the page's footer.
  }
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** What the report keeps of one session while the trace streams past. */
interface Held {
  rank: number;
  triage: SessionTriage;
  important: Set<number>;
  steps: ReportStep[] | null;
  events: TraceEvent[];
  byStep: Map<number, ReportStep>;
  bytes: number;
  /** Pooled texts this session's steps refer to. */
  refs: number[];
  omittedSteps: number;
  bareSteps: number;
  cutPieces: number;
  eventCount: number;
  firstTs?: number;
  firstTsText?: string;
  lastTs?: number;
  status?: SessionOutcome;
  tokens: number;
  costNano: number;
  priced: boolean;
  recordedWorst: Action;
  replayWorst: Action;
  guarded: boolean;
  traceBudget?: ReportBudget;
}

function stepsToKeep(triage: SessionTriage): Set<number> {
  const steps = new Set<number>(triage.cascade);
  if (triage.fault_origin) steps.add(triage.fault_origin.step);
  for (const flag of triage.flags) steps.add(flag.step);
  for (const action of triage.actions_after_origin) steps.add(action.step);
  return steps;
}

function timeOf(ts: string | undefined): number | undefined {
  if (typeof ts !== 'string') return undefined;
  const time = Date.parse(ts);
  return Number.isFinite(time) ? time : undefined;
}

/** Trace files read one after the other as a single trace; any other source as it is. */
function sourceOf(traces: TraceSource | readonly string[]): TraceSource {
  if (!Array.isArray(traces)) return traces as TraceSource;
  const inputs = (traces as readonly string[]).map((path) => ({ kind: 'file' as const, path }));
  return () => new BatchedLines(readInputLineBatches(inputs));
}

/**
 * Everything the incident report page shows, from one or more trace files (or any trace source): triage of every session
 * (sorted the worst first), each session's timeline with the guard's decisions, tokens and cost,
 * content redacted as the recorder redacts and cut to a size, and a postmortem draft per session.
 * The embedded data stays near `maxBytes`: the least severe sessions lose their timelines first.
 * @throws Error when `sessionId` is not in the trace.
 */
export async function buildReportData(traces: TraceSource | readonly string[], options: ReportOptions = {}): Promise<ReportData> {
  if (Array.isArray(traces) && traces.length === 0) throw new Error('no trace file given');
  // The report reads the trace three times (triage, the timeline, the postmortems): a one-shot input is spooled once.
  return withReopenable(sourceOf(traces), (source) => buildFrom(source, traces, options));
}

async function buildFrom(source: ReopenableTrace, traces: TraceSource | readonly string[], options: ReportOptions): Promise<ReportData> {
  const { sessionId, title, maxBytes: maxBytesOption, maxListBytes: maxListOption, contentChars: contentOption, maxStepsPerSession, redaction, onProblem, onEvent, now, sources, ...guardOptions } = options;
  const names = sources ?? (typeof traces === 'string' ? [traces] : Array.isArray(traces) ? [...(traces as readonly string[])] : ['trace']);
  const single = sessionId !== undefined;
  const maxBytes = maxBytesOption ?? 4_000_000;
  const maxListBytes = maxListOption ?? 4_000_000;
  const contentChars = contentOption ?? (single ? 20_000 : 4_000);
  const maxSteps = maxStepsPerSession ?? (single ? 10_000 : 2_000);
  // Steps without content may go a little over the budget: a timeline's outline is worth more than a few kB.
  const hardBytes = Math.round(maxBytes * 1.25);
  const redact = createRedactor(redaction ?? {});
  const policy: Policy = isResolvedPolicy(guardOptions.policy) ? guardOptions.policy : resolvePolicy(guardOptions.policy ?? {});

  const problems: ReportData['problems'] = [];
  let problemCount = 0;
  const triage = await triageTrace(source, {
    ...guardOptions,
    ...(onEvent ? { onEvent } : {}),
    onProblem(problem) {
      problemCount += 1;
      if (problems.length < MAX_PROBLEMS_SHOWN) problems.push({ source: problem.source ?? names.join(', '), line: problem.line, reason: problem.reason });
      onProblem?.(problem);
    },
  });
  let ranked = worstFirst(triage.sessions, triage.decisions);
  if (single) {
    ranked = ranked.filter((session) => session.session_id === sessionId);
    if (ranked.length === 0) throw new Error(`session ${sessionId} is not in the trace`);
  }
  const decisionsOf = new Map<string, ReplaySession>(triage.decisions.map((session) => [session.session_id, session]));
  const held = new Map<string, Held>();
  const byRank: Held[] = ranked.map((session, rank) => {
    const entry: Held = {
      rank,
      triage: redact(session),
      important: stepsToKeep(session),
      steps: [],
      events: [],
      byStep: new Map(),
      bytes: 0,
      refs: [],
      omittedSteps: 0,
      bareSteps: 0,
      cutPieces: 0,
      eventCount: 0,
      tokens: 0,
      costNano: 0,
      priced: false,
      recordedWorst: 'allow',
      replayWorst: 'allow',
      guarded: false,
    };
    held.set(session.session_id, entry);
    return entry;
  });

  let total = 0;
  const pool = new TextPool();
  /** Sessions ranked at or after this keep no timeline. */
  let cutoff = byRank.length;
  const drop = (entry: Held) => {
    if (entry.steps === null) return;
    total -= entry.bytes + pool.release(entry.refs);
    entry.refs = [];
    entry.steps = null;
    entry.events = [];
    entry.byStep.clear();
    entry.bytes = 0;
    // The notes count what the page shows: a dropped timeline's cut or bare steps are not in it.
    entry.cutPieces = 0;
    entry.bareSteps = 0;
  };
  /** Makes room for `bytes` more by dropping less severe sessions' timelines; whether it fits now. */
  const makeRoom = (entry: Held, bytes: number): boolean => {
    while (total + bytes > maxBytes && cutoff - 1 > entry.rank) {
      cutoff -= 1;
      drop(byRank[cutoff]!);
    }
    return total + bytes <= maxBytes;
  };

  const keep = (entry: Held, event: TraceEvent, decision: Decision) => {
    if (entry.rank >= cutoff) return drop(entry);
    if (entry.steps === null) return;
    if (entry.steps.length >= maxSteps && !entry.important.has(event.step) && event.type !== 'session.end') {
      entry.omittedSteps += 1;
      return;
    }
    const redacted = redact(event);
    let view = viewStep(redacted, contentChars, true);
    let bytes = JSON.stringify(view.step).length + pool.cost(view.step.content);
    if (!makeRoom(entry, bytes)) {
      view = viewStep(redacted, contentChars, false);
      bytes = JSON.stringify(view.step).length;
      if (total + bytes > hardBytes) {
        entry.omittedSteps += 1;
        return;
      }
      entry.bareSteps += 1;
    }
    const step = view.step;
    const time = timeOf(event.ts);
    if (time !== undefined && entry.firstTs !== undefined) step.sinceMs = time - entry.firstTs;
    if (event.type === 'llm.call') {
      const price = priceFor(policy.budget.prices, event.model);
      if (price) step.costUsd = ((event.input_tokens ?? 0) * Math.round(price.input * 1_000) + (event.output_tokens ?? 0) * Math.round(price.output * 1_000)) / NANO;
    }
    if (!decision.ignored && (event.type === 'tool.call' || decision.action !== 'allow')) step.action = decision.action;
    entry.cutPieces += step.content.filter((piece) => piece.truncated).length;
    entry.refs.push(...pool.intern(step.content));
    entry.steps.push(step);
    entry.events.push(view.event);
    entry.byStep.set(step.step, step);
    entry.bytes += bytes;
    total += bytes;
  };

  await replayTrace(typeof source === 'string' ? source : source(), guardOptions, {
    onEvent(event, decision) {
      const entry = held.get(event.session_id);
      if (!entry) return;
      entry.eventCount += 1;
      const time = timeOf(event.ts);
      if (time !== undefined) {
        if (entry.firstTs === undefined) {
          entry.firstTs = time;
          entry.firstTsText = event.ts;
        }
        entry.lastTs = time;
      }
      if (!decision.ignored) entry.replayWorst = strongerAction(entry.replayWorst, decision.action);
      switch (event.type) {
        case 'llm.call': {
          const inputTokens = event.input_tokens ?? 0;
          const outputTokens = event.output_tokens ?? 0;
          entry.tokens += inputTokens + outputTokens;
          const price = priceFor(policy.budget.prices, event.model);
          if (price) {
            entry.priced = true;
            entry.costNano += inputTokens * Math.round(price.input * 1_000) + outputTokens * Math.round(price.output * 1_000);
          }
          break;
        }
        case 'guard.decision': {
          entry.guarded = true;
          if ((ACTIONS as readonly string[]).includes(event.action)) entry.recordedWorst = strongerAction(entry.recordedWorst, event.action);
          const target = entry.byStep.get(event.target_step);
          if (target) target.recordedAction = event.action;
          for (const flag of event.flags ?? []) {
            if (flag?.code !== AnomalyCode.BUDGET_EXCEEDED) continue;
            const evidence = flag.evidence ?? {};
            const budget: ReportBudget = entry.traceBudget ?? { source: 'trace' };
            if (typeof evidence.limit === 'number') budget.maxTokens = evidence.limit;
            if (typeof evidence.limitUsd === 'number') budget.maxCostUsd = evidence.limitUsd;
            if (budget.maxTokens !== undefined || budget.maxCostUsd !== undefined) entry.traceBudget = budget;
          }
          break;
        }
        case 'session.end':
          entry.status = event.status;
          break;
      }
      keep(entry, event, decision);
    },
  });

  const policyBudget: ReportBudget | undefined =
    policy.budget.maxTokens !== undefined || policy.budget.maxCostUsd !== undefined
      ? { source: 'policy', ...(policy.budget.maxTokens !== undefined ? { maxTokens: policy.budget.maxTokens } : {}), ...(policy.budget.maxCostUsd !== undefined ? { maxCostUsd: policy.budget.maxCostUsd } : {}) }
      : undefined;

  const sessions: ReportSession[] = [];
  let withoutPostmortem = 0;
  let listedBytes = 0;
  let unlisted = 0;
  for (const entry of byRank) {
    const id = shownId(entry.triage.session_id);
    const sessionTriage = id === entry.triage.session_id ? entry.triage : { ...entry.triage, session_id: id };
    // A row of the overview and its triage JSON: a million sessions, or a few with huge findings, fill the page past
    // any timeline budget. The worst are listed first; past the budget the rest are only counted.
    const rowBytes = JSON.stringify(sessionTriage).length + 2 * id.length + 400;
    if (sessions.length > 0 && listedBytes + rowBytes > maxListBytes) {
      unlisted += 1;
      continue;
    }
    listedBytes += rowBytes;
    let postmortem: string | null = null;
    if (entry.steps !== null) {
      const draft = draftPostmortem(entry.triage, entry.events, decisionsOf.get(entry.triage.session_id)?.decisions ?? [], triage);
      if (total + draft.length <= hardBytes) {
        postmortem = draft;
        total += draft.length;
      } else withoutPostmortem += 1;
    }
    const budget = policyBudget ?? entry.traceBudget;
    const session: ReportSession = {
      id,
      triage: sessionTriage,
      outcome: entry.status ?? 'unfinished',
      worstAction: strongerAction(entry.recordedWorst, entry.replayWorst),
      guarded: entry.guarded,
      tokens: entry.tokens,
      costUsd: entry.priced ? entry.costNano / NANO : null,
      events: entry.eventCount,
      steps: entry.steps,
      omittedSteps: entry.omittedSteps,
      postmortem,
    };
    if (entry.firstTsText !== undefined) session.startedAt = entry.firstTsText;
    if (entry.firstTs !== undefined && entry.lastTs !== undefined) session.durationMs = entry.lastTs - entry.firstTs;
    if (budget) session.budget = budget;
    if (entry.steps === null) session.omitted = `Timeline left out to keep the report small: run warden report with --session ${id} to see it.`;
    sessions.push(session);
  }

  const notes: string[] = [];
  const dropped = sessions.filter((session) => session.steps === null).length;
  if (dropped > 0) notes.push(`${dropped} of ${byRank.length} sessions (the least severe) are listed without their timeline, to keep the report under a few MB; run warden report with --session ID for one of them.`);
  if (unlisted > 0) notes.push(`${unlisted} of ${byRank.length} sessions (the least severe) are not listed at all, to keep the report under about 10 MB; warden triage lists every session.`);
  if (withoutPostmortem > 0) notes.push(`${withoutPostmortem} ${withoutPostmortem === 1 ? 'session has' : 'sessions have'} no postmortem draft here, to keep the report small; warden postmortem --session ID writes one.`);
  const bare = byRank.reduce((sum, entry) => sum + entry.bareSteps, 0);
  if (bare > 0) notes.push(`${bare} ${bare === 1 ? 'step is' : 'steps are'} shown without content, to keep the report small.`);
  const omitted = byRank.reduce((sum, entry) => sum + entry.omittedSteps, 0);
  if (omitted > 0) notes.push(`${omitted} ${omitted === 1 ? 'step is' : 'steps are'} left out of long timelines (after the first ${maxSteps} steps of a session, only its flagged, origin and cascade steps are kept).`);
  const cut = byRank.reduce((sum, entry) => sum + entry.cutPieces, 0);
  if (cut > 0) notes.push(`${cut} ${cut === 1 ? 'piece' : 'pieces'} of content longer than ${contentChars.toLocaleString('en-US')} characters ${cut === 1 ? 'is' : 'are'} cut short; each shows its full size.`);

  const worst = sessions[0];
  return {
    version: REPORT_DATA_VERSION,
    title: title ?? (worst ? `Incident report: ${worst.id}${worst.triage.mode === 'none' ? '' : ` (${worst.triage.mode.replace(/_/g, ' ')})`}` : 'Incident report'),
    generatedAt: (now ?? new Date()).toISOString(),
    generator: `agent-warden ${packageVersion()}`,
    sources: names,
    problems,
    problemCount,
    sessions,
    texts: pool.compact(sessions.flatMap((session) => session.steps ?? []).flatMap((step) => step.content)),
    notes,
  };
}
