import type { SessionTriage } from '../forensics/triage-types.js';
import type { LazyTriageReport } from '../forensics/triage.js';
import { describeEscalation } from '../forensics/incidents.js';
import type { Command } from './command.js';
import { maxOpenSessionsOption, policyOption, stringOption } from './options.js';
import { statusAfterReading } from './exit-status.js';
import { BatchedOutput } from './output.js';
import { jsonForTerminal, safeMessage, terminalSafe } from './safe-message.js';
import { reportHint } from './report-hint.js';
import { readingTraces, TRACE_ARGUMENT_HELP, TRACE_OPTIONS } from './trace-input.js';

/** A session's findings as lines; every string the trace supplied passes `safeMessage`, so none starts a line of its own. */
function readable(session: SessionTriage): string {
  const s = safeMessage;
  const lines = [`session ${s(session.session_id, 200)}: ${session.mode === 'none' ? 'no anomaly found' : session.mode.replace(/_/g, ' ')}`];
  if (session.fault_origin) {
    lines.push(`  fault origin   step ${session.fault_origin.step} (${s(session.fault_origin.type, 80)}${session.fault_origin.agent !== undefined ? ` of ${s(session.fault_origin.agent, 200)}` : ''}): ${s(session.fault_origin.reason)}`);
    lines.push(`  cascade        ${session.cascade.join(' -> ')}`);
    if (session.actions_after_origin.length === 0) lines.push('  actions after  none');
    for (const [index, action] of session.actions_after_origin.entries()) {
      const reversible = action.reversible === true ? 'reversible (read-only)' : action.reversible === false ? 'IRREVERSIBLE (destructive)' : 'reversibility unknown';
      lines.push(`  ${index === 0 ? 'actions after ' : '              '} step ${action.step} ${s(action.tool, 200)}: ${reversible}`);
    }
  }
  for (const [index, flag] of session.flags.entries()) lines.push(`  ${index === 0 ? 'flags        ' : '             '}  step ${flag.step} ${s(flag.code, 80)}: ${s(flag.message)}`);
  const { llm_calls, tool_calls, input_tokens, output_tokens } = session.totals;
  lines.push(`  totals         ${llm_calls} model calls, ${tool_calls} tool calls, ${input_tokens} input / ${output_tokens} output tokens${session.totals.cost_usd > 0 ? `, $${session.totals.cost_usd.toFixed(4)}` : ''}`);
  if (session.session_type !== null) lines.push(`  type           ${s(session.session_type, 200)}`);
  return lines.join('\n');
}

/** Failure patterns across sessions, worst first, with the playbook's escalation for each. */
function incidents(report: LazyTriageReport, sessions: number): string {
  if (report.incidents.length === 0) return `incidents: none among ${sessions} session(s)`;
  const lines = [`incidents: ${report.incidents.length} failure pattern(s) among ${sessions} session(s)`];
  for (const group of report.incidents) {
    const { mode, origin_check, tool, flags } = group.signature;
    const s = safeMessage;
    lines.push(`  ${group.count} x ${mode.replace(/_/g, ' ')} (${s(origin_check ?? 'no flag', 80)}${tool ? ` -> ${s(tool, 200)}` : ''}; flags ${s(flags.join(', ')) || 'none'})`);
    if (group.first_seen) lines.push(`      seen      ${s(group.first_seen, 80)}${group.last_seen !== group.first_seen ? ` to ${s(String(group.last_seen), 80)}` : ''}`);
    lines.push(`      example   ${s(group.example_session, 200)}`);
    lines.push(`      next      ${s(describeEscalation(group))}`);
  }
  return lines.join('\n');
}

export const command: Command = {
  name: 'triage',
  usage: ['triage [options] TRACE...'],
  description: `Classifies each session (hallucination_propagation, tool_misfire, context_poisoning, cost_runaway or none), finds the fault origin by walking back from every finding to where its premise entered, follows the cascade forward, and lists the external actions taken after the origin with their reversibility. ${TRACE_ARGUMENT_HELP}`,
  options: {
    ...TRACE_OPTIONS,
    'max-open-sessions': { type: 'string', arg: 'N', help: 'sessions open at once, at most (default 100000): a file is read twice so each session closes after its last event; stdin closes them at session.end' },
    json: { type: 'boolean', help: 'print JSON: {sessions: one element per session (session_id, mode, fault_origin, cascade, actions_after_origin, flags, totals, ...), incidents, baselines}' },
  },
  positionals: [1, Infinity],
  examples: [
    ['warden triage incident.jsonl', 'what went wrong in each session, and where it started'],
    ['warden triage --json traces/ > triage.json', 'a folder of traces, as JSON'],
    ['warden triage --policy policy.json -', 'a trace from stdin, under a policy'],
  ],
  async run({ values, positionals }) {
    const json = values.json === true;
    const quiet = values.quiet === true;
    const policy = await policyOption(stringOption(values.policy));
    const { triageTraceLazily } = await import('../forensics/triage.js');
    const { report, skipped, elapsed } = await readingTraces('triage', positionals, { rereadable: true, json, quiet }, async (reading) => {
      const report = await triageTraceLazily(reading.traces.lines, { ...policy, ...maxOpenSessionsOption(stringOption(values['max-open-sessions'])), onProblem: reading.onProblem, onEvent: reading.onEvent });
      reading.requireEvents(report.validEvents);
      return { report, skipped: reading.problems.count, elapsed: reading.progress.elapsed() };
    });
    // Written a session at a time, as the whole text would have been: a million sessions are never one string.
    const out = new BatchedOutput(process.stdout);
    let count = 0;
    let failing = 0;
    let flags = 0;
    await out.write(json ? '{"sessions":[' : '');
    for (const session of report.sessions) {
      if (session.mode !== 'none') failing += 1;
      flags += session.flags.length;
      await out.write(json ? `${count === 0 ? '' : ','}${jsonForTerminal(session)}` : terminalSafe(`${count === 0 ? '' : '\n\n'}${readable(session)}`));
      count += 1;
    }
    await out.write(json ? `],"incidents":${jsonForTerminal(report.incidents)},"baselines":${jsonForTerminal(report.baselines)}}\n` : terminalSafe(`\n\n${incidents(report, count)}\n\n${safeMessage(reportHint(positionals), 2000)}\n`));
    await out.flush();
    if (!quiet) {
      process.stderr.write(`warden triage: ${count} sessions (${failing} with a failure mode), ${report.validEvents} events, ${flags} findings, ${skipped} lines skipped, ${elapsed}\n`);
    }
    return statusAfterReading(skipped);
  },
};
