import type { FailureMode, TraceEvent } from '../trace/events.js';
import { readTrace } from '../trace/reader.js';
import { modelToolCalls } from '../trace/model-tool-calls.js';
import { previewJson } from '../trace/printable.js';
import { maskSecrets } from '../trace/redact.js';
import { evidenceText } from './origin.js';
import type { ReplayDecision } from '../replay.js';
import { triageTrace, type TriageOptions, type TriageReport } from './triage.js';
import { openTrace, type ReopenableTrace } from '../replay.js';
import { withReopenable, type TraceSource } from './spool.js';
import type { SessionTriage } from './triage-types.js';
import { compareWithBaseline, describeComparison, MIN_BASELINE_SESSIONS, UNTYPED } from './baselines.js';
import { describeEscalation, failureSignature } from './incidents.js';

const MAX_EVENTS = 20_000;
const PAST: Record<string, string> = { block: 'blocked', pause: 'paused', kill: 'killed', warn: 'warned on', allow: 'allowed' };

const MODE_TEXT: Record<FailureMode, { name: string; signature: string; layer: string }> = {
  hallucination_propagation: {
    name: 'Hallucination propagation',
    signature: 'a false premise (here, an id) entered through model or subagent output and later steps built on it.',
    layer: 'entity validation: ids in arguments and answers checked against trusted context',
  },
  tool_misfire: {
    name: 'Tool misfire',
    signature: 'a tool was called with malformed or truncated arguments, against a changed schema, or its result belonged to another entity.',
    layer: 'argument validation, output limits, and result checks against the session entities',
  },
  context_poisoning: {
    name: 'Context poisoning',
    signature: 'instructions or a rewritten goal entered the context from a channel that should only carry data.',
    layer: 'scanning of tool results, retrieval and memory; goal changes only from the user',
  },
  cost_runaway: {
    name: 'Cost runaway',
    signature: 'repeated near-identical calls or a token spike without useful progress.',
    layer: 'loop detection and per-session budgets that pause before the bill arrives',
  },
  none: { name: 'No anomaly found', signature: 'no check raised a premise-changing flag.', layer: 'n/a' },
};

/** Characters read past a cut before masking, as the recorder reads them: a secret that starts before the cut is seen whole. */
const MASK_LOOKAHEAD = 4096;

/**
 * Text on one line (a newline in a session id or a tool name cannot start a heading of its own), secrets masked
 * as the recorder masks them (an API key, a bearer token, a URL's password), cut to `length`; a field a trace
 * holds as something else (an array for a model's text) is shown as JSON.
 */
function clip(text: unknown, length = 160): string {
  const raw = typeof text === 'string' ? text : previewJson(text, length * 2);
  const head = raw.length > length + MASK_LOOKAHEAD ? raw.slice(0, length + MASK_LOOKAHEAD) : raw;
  const flat = maskSecrets(head.replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, ' ')).trim();
  return flat.length > length ? `${flat.slice(0, length)}…` : flat;
}

/** A name or a finding the trace supplied (a session id, a tool, a flag's message): on one line, secrets masked, rarely cut. */
const one = (text: unknown) => clip(text, 2000);

function show(value: unknown): string {
  return clip(typeof value === 'string' ? value : previewJson(value, 400));
}

function describe(event: TraceEvent): string {
  switch (event.type) {
    case 'session.start':
      return `session start${event.goal ? `: goal "${clip(event.goal, 80)}"` : ''}`;
    case 'tool.definitions':
      return `tool definitions: ${event.tools.map((tool) => tool.name).join(', ')}`;
    case 'message':
      return `${event.role} message: "${clip(event.content, 100)}"`;
    case 'llm.call': {
      const calls = modelToolCalls(event.output).map((call) => `${call.name}(${show(call.arguments)})`);
      return `model call (${event.model}${event.finish_reasons ? `, finish ${event.finish_reasons.join('/')}` : ''})${event.output?.text ? `: "${clip(event.output.text, 80)}"` : ''}${calls.length ? ` -> ${calls.join(', ')}` : ''}`;
    }
    case 'tool.call':
      return `tool call ${one(event.tool)}(${show(event.arguments)})`;
    case 'tool.result':
      return `result of ${one(event.tool)}${event.is_error ? ' (error)' : ''}: ${show(event.result)}`;
    case 'subagent.output':
      return `subagent output${event.agent ? ` from ${one(event.agent)}` : ''}: ${show(event.content)}`;
    case 'context.add':
      return `${event.source} content: ${show(event.content)}`;
    case 'goal.update':
      return `goal set by ${event.source}: "${clip(event.goal, 80)}"`;
    case 'guard.decision':
      return `guard decision ${event.action} on step ${event.target_step}`;
    case 'session.end':
      return `session end (${event.status})${event.output !== undefined ? `: ${show(event.output)}` : ''}`;
  }
}

/** Sessions whose events one pass over the trace collects: memory stays bounded however many are drafted. */
const SESSIONS_PER_PASS = 20;

async function eventsOf(source: ReopenableTrace, sessionIds: ReadonlySet<string>): Promise<Map<string, TraceEvent[]>> {
  const events = new Map<string, TraceEvent[]>([...sessionIds].map((id) => [id, []]));
  for await (const line of readTrace(openTrace(source))) {
    const kept = line.event ? events.get(line.event.session_id) : undefined;
    if (kept && kept.length < MAX_EVENTS) kept.push(line.event!);
  }
  return events;
}

/** The session a single postmortem is about: the one asked for, else the first with a finding, else the first. */
export function chooseSession(report: TriageReport, sessionId?: string): SessionTriage | undefined {
  return sessionId ? report.sessions.find((session) => session.session_id === sessionId) : (report.sessions.find((session) => session.mode !== 'none') ?? report.sessions[0]);
}

/** Postmortems of the given sessions of a triaged trace, in the order asked, reading the trace once per batch of sessions. */
export async function* draftPostmortems(source: ReopenableTrace, report: TriageReport, sessionIds: readonly string[]): AsyncGenerator<{ sessionId: string; markdown: string }> {
  for (let from = 0; from < sessionIds.length; from += SESSIONS_PER_PASS) {
    const batch = sessionIds.slice(from, from + SESSIONS_PER_PASS);
    const events = await eventsOf(source, new Set(batch));
    for (const sessionId of batch) {
      const triage = report.sessions.find((session) => session.session_id === sessionId);
      if (!triage) throw new Error(`session ${sessionId} is not in the trace`);
      const decisions = report.decisions.find((session) => session.session_id === sessionId)?.decisions ?? [];
      yield { sessionId, markdown: draft(triage, events.get(sessionId) ?? [], decisions, report) };
      events.delete(sessionId);
    }
  }
}

function missingSignals(events: TraceEvent[]): string[] {
  const calls = events.filter((event) => event.type === 'llm.call');
  const missing: string[] = [];
  if (!events.some((event) => event.ts)) missing.push('event times (`ts`): the time range and burn rate cannot be reconstructed');
  if (calls.length === 0) missing.push('model calls (`llm.call`): what the model said and when cannot be separated from the conversation');
  if (calls.some((call) => call.type === 'llm.call' && call.input_tokens === undefined)) missing.push('token counts on model calls: budgets, burn rate and context bloat could not be checked');
  if (calls.some((call) => call.type === 'llm.call' && call.finish_reasons === undefined)) missing.push('finish reasons: truncated tool-call arguments cannot be told apart');
  if (calls.length > 0 && !calls.some((call) => call.type === 'llm.call' && call.input_messages !== undefined)) missing.push('the context window (`input_messages`, opt-in): what the model saw at the origin is inferred, not captured');
  const definitions = events.filter((event) => event.type === 'tool.definitions').flatMap((event) => (event.type === 'tool.definitions' ? event.tools : []));
  if (definitions.length === 0) missing.push('tool definitions: arguments could not be checked against schemas');
  const unannotated = [...new Set(definitions.filter((tool) => !tool.annotations || (tool.annotations.readOnlyHint === undefined && tool.annotations.destructiveHint === undefined)).map((tool) => tool.name))];
  if (unannotated.length > 0) missing.push(`side-effect annotations for ${unannotated.join(', ')}: reversibility of their calls is unknown`);
  return missing;
}

/** The playbook's six questions, answered from the trace, with human judgement left as explicit prompts. */
export async function writePostmortem(input: TraceSource, options: TriageOptions & { sessionId?: string } = {}): Promise<string> {
  return withReopenable(input, (source) => postmortemOf(source, options));
}

async function postmortemOf(source: ReopenableTrace, options: TriageOptions & { sessionId?: string }): Promise<string> {
  const { sessionId, ...triageOptions } = options;
  const report = await triageTrace(source, triageOptions);
  const triage = chooseSession(report, sessionId);
  if (!triage) throw new Error(sessionId ? `session ${sessionId} is not in the trace` : 'the trace holds no session');
  for await (const { markdown } of draftPostmortems(source, report, [triage.session_id])) return markdown;
  throw new Error(`session ${triage.session_id} is not in the trace`);
}

/**
 * The postmortem of one triaged session from its events (in step order) and the replay's decisions:
 * what `writePostmortem` prints, for callers that already hold the triage and the events (the HTML report).
 * `report` gives what other sessions say about this one: its failure pattern's group and its type's baseline.
 */
export function draftPostmortem(triage: SessionTriage, events: TraceEvent[], decisions: ReplayDecision[], report: Pick<TriageReport, 'incidents' | 'baselines'>): string {
  return draft(triage, events, decisions, report);
}

/** `report` gives what other sessions say about this one: its failure pattern's group and its type's baseline. */
function draft(triage: SessionTriage, events: TraceEvent[], decisions: ReplayDecision[], report: Pick<TriageReport, 'incidents' | 'baselines'>): string {
  const byStep = new Map(events.map((event) => [event.step, event]));
  const start = events.find((event) => event.type === 'session.start');
  const end = [...events].reverse().find((event) => event.type === 'session.end');
  const times = events.map((event) => event.ts).filter((ts): ts is string => typeof ts === 'string');
  const mode = MODE_TEXT[triage.mode];
  const origin = triage.fault_origin;
  const lines: string[] = [];
  const out = (...text: string[]) => lines.push(...text);

  out(`# Postmortem: agent session ${one(triage.session_id)}`, '', `_Drafted by \`warden postmortem\` from the session trace. Every italic prompt is a judgement left to the reviewer; nothing here is invented._`, '');

  out('## 1. Session context', '');
  out(`- **Session:** \`${one(triage.session_id)}\`${triage.session_type !== null ? ` (type \`${one(triage.session_type)}\`)` : ''}`);
  out(`- **Time range:** ${times.length ? `${one(times[0])} to ${one(times.at(-1))}` : 'not recorded (the trace has no `ts`)'}`);
  out(`- **Model calls:** ${triage.totals.llm_calls} (${[...new Set(events.flatMap((event) => (event.type === 'llm.call' ? [one(event.model)] : [])))].join(', ') || 'no model recorded'}); **tool calls:** ${triage.totals.tool_calls}`);
  out(`- **Tokens:** ${triage.totals.input_tokens} input, ${triage.totals.output_tokens} output`);
  out(`- **Intended behaviour:** ${start?.type === 'session.start' && start.goal ? `"${start.goal}"` : '_not recorded: state what the session was meant to do_'}`);
  if (start?.type === 'session.start' && start.entities) out(`- **Key entities:** ${Object.entries(start.entities).map(([kind, id]) => `${one(kind)} = ${one(Array.isArray(id) ? id.map(evidenceText).join(', ') : evidenceText(id))}`).join('; ')}`);
  out(`- **Ended:** ${end?.type === 'session.end' ? `${end.status}${end.output !== undefined ? `, final output: "${show(end.output)}"` : ''}` : 'no session end recorded'}`, '');

  out('## 2. Failure classification', '');
  out(`**${mode.name}** (\`${triage.mode}\`): ${mode.signature}`, '');
  const signature = JSON.stringify(failureSignature(triage));
  const group = triage.mode === 'none' ? undefined : report.incidents.find((candidate) => JSON.stringify(candidate.signature) === signature);
  if (group) out(`- **Pattern:** seen in ${group.count} session(s) of the traces read${group.first_seen ? ` (${one(group.first_seen)} to ${one(group.last_seen)})` : ''}. **Escalation:** ${one(describeEscalation(group))}.`, '');
  if (triage.flags.length > 0) {
    out('| step | flag | finding |', '|---|---|---|');
    for (const flag of triage.flags) out(`| ${flag.step} | \`${one(flag.code)}\` | ${one(flag.message).replace(/\|/g, '\\|')} |`);
    out('');
  }

  out('## 3. Fault origin and cascade path', '');
  if (!origin) {
    out('No fault origin: no step introduced a wrong premise that the checks can see.', '', '_If a user reported a wrong outcome, say what was wrong: the checks found no premise to trace it to._', '');
  } else {
    out(`- **Origin:** step ${origin.step} (\`${origin.type}\`${origin.agent !== undefined ? ` of ${one(origin.agent)}` : ''}): ${one(origin.reason)}`);
    const atOrigin = byStep.get(origin.step);
    if (atOrigin) out(`- **At the origin:** ${describe(atOrigin)}`);
    out('', `**What was in context at step ${origin.step}:**`, '');
    const before = events.filter((event) => event.step < origin.step && event.type !== 'guard.decision' && event.type !== 'tool.definitions').slice(-12);
    for (const event of before) out(`- step ${event.step}: ${describe(event)}`);
    if (atOrigin?.type === 'llm.call' && atOrigin.input_messages === undefined) out('- _(the context window itself was not captured: `input_messages` is opt-in)_');
    out('', `_Given exactly this context, was the output at step ${origin.step} surprising? If not, the fix is upstream, in what entered the context._`, '');
    out('**Cascade:**', '');
    for (const step of triage.cascade) {
      const event = byStep.get(step);
      out(`1. step ${step}: ${event ? describe(event) : '(event not kept)'}`);
    }
    out('');
  }

  out('## 4. Impact assessment', '');
  if (triage.actions_after_origin.length === 0) out(origin ? 'No external action was taken after the origin.' : 'Not applicable: no fault origin.');
  else {
    out('| step | action | reversible | plan |', '|---|---|---|---|');
    for (const action of triage.actions_after_origin) {
      const reversible = action.reversible === true ? 'yes (read-only)' : action.reversible === false ? '**no** (destructive)' : 'unknown (no annotation)';
      const plan = action.reversible === true ? 'none needed' : '_reversal plan: owner and steps_';
      out(`| ${action.step} | \`${one(action.tool)}\` | ${reversible} | ${plan} |`);
    }
  }
  out('', `- **User-facing impact:** ${end?.type === 'session.end' && end.output !== undefined ? `the session ended with "${show(end.output)}". _Confirm what the user saw and did with it._` : '_state what reached the user_'}`);
  const comparison = compareWithBaseline(triage, report.baselines);
  const baselineText = comparison
    ? `${describeComparison(comparison)}.`
    : `_No baseline: the traces read hold fewer than ${MIN_BASELINE_SESSIONS} sessions of type ${triage.session_type ?? UNTYPED}; triage more traces of this type to compare._`;
  const costText = triage.totals.cost_usd > 0 ? ` ($${triage.totals.cost_usd.toFixed(4)})` : '';
  out(`- **Cost impact:** ${triage.totals.input_tokens + triage.totals.output_tokens} tokens${costText} over ${triage.totals.llm_calls} model calls: ${baselineText}`, '');

  out('## 5. Contributing factors', '');
  out('Evidence from the trace:', '');
  if (triage.flags.length === 0) out('- no flags were raised');
  for (const flag of triage.flags.slice(0, 20)) out(`- step ${flag.step}, \`${one(flag.code)}\`: ${one(flag.message)}`);
  out('', 'For the reviewer to decide (each may be one of several factors, none enough alone):', '');
  out('- _Model limitation: does the model reliably fail on this input type?_');
  out('- _Prompt design: did the system prompt constrain entity references, tool use and when to stop?_');
  out('- _Tool interface: were the tool descriptions, schemas and results unambiguous?_');
  out('- _Data contamination: did a retrieved document, memory or subagent carry misleading content?_', '');

  out('## 6. Detection gap', '');
  const recorded = events.some((event) => event.type === 'guard.decision');
  const firstStop = decisions.find((decision) => decision.action === 'block' || decision.action === 'pause' || decision.action === 'kill');
  if (firstStop) {
    out(`- **Would have fired:** under the current policy, agent-warden would ${firstStop.action} step ${firstStop.step} (\`${one(firstStop.tool)}\`: ${one(firstStop.flags.join(', '))})${origin && firstStop.step > origin.step ? `, ${firstStop.step - origin.step} step(s) after the origin` : ''}.`);
  } else out('- **Would have fired:** no decision under the current policy stops this session.');
  out(`- **Guard in the loop:** ${recorded ? 'yes: the trace holds the decisions a live guard took.' : 'no: the trace holds no guard decisions; the session ran without agent-warden.'}`);
  const recordedStop = events.find((event) => event.type === 'guard.decision' && (event.action === 'block' || event.action === 'pause' || event.action === 'kill'));
  if (origin && recordedStop?.type === 'guard.decision') out(`- **Contained:** the live guard ${PAST[recordedStop.action]} step ${recordedStop.target_step}; the layer that caught it: ${mode.layer}.`);
  else if (origin) out(`- **Missing layer:** ${mode.layer}.`);
  const missing = missingSignals(events);
  if (missing.length > 0) {
    out('- **Signals the trace lacks:**');
    for (const signal of missing) out(`  - ${signal}`);
  }
  out('', '_Why did this reach the user? Name the eval, monitor or guardrail that was missing, and add this trace to the regression library (`warden replay --expect`)._', '');
  // Every line once more: a secret a line holds across fields, or in text not passed through clip, is masked too.
  return maskSecrets(lines.join('\n'));
}
