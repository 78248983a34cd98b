import { triageTrace } from '../forensics/triage.js';
import type { SessionTriage } from '../forensics/triage-types.js';
import type { TriageReport } from '../forensics/triage.js';
import { describeEscalation } from '../forensics/incidents.js';
import { noValidEvent, policyOption, readableFile, reportLine } from './options.js';

function readable(session: SessionTriage): string {
  const lines = [`session ${session.session_id}: ${session.mode === 'none' ? 'no anomaly found' : session.mode.replace(/_/g, ' ')}`];
  if (session.fault_origin) {
    lines.push(`  fault origin   step ${session.fault_origin.step} (${session.fault_origin.type}): ${session.fault_origin.reason}`);
    lines.push(`  cascade        ${session.cascade.join(' -> ')}`);
    if (session.actions_after_origin.length === 0) lines.push('  actions after  none');
    for (const [index, action] of session.actions_after_origin.entries()) {
      const reversible = action.reversible === true ? 'reversible (read-only)' : action.reversible === false ? 'IRREVERSIBLE (destructive)' : 'reversibility unknown';
      lines.push(`  ${index === 0 ? 'actions after ' : '              '} step ${action.step} ${action.tool}: ${reversible}`);
    }
  }
  for (const [index, flag] of session.flags.entries()) lines.push(`  ${index === 0 ? 'flags        ' : '             '}  step ${flag.step} ${flag.code}: ${flag.message}`);
  const { llm_calls, tool_calls, input_tokens, output_tokens } = session.totals;
  lines.push(`  totals         ${llm_calls} model calls, ${tool_calls} tool calls, ${input_tokens} input / ${output_tokens} output tokens${session.totals.cost_usd > 0 ? `, $${session.totals.cost_usd.toFixed(4)}` : ''}`);
  if (session.session_type !== null) lines.push(`  type           ${session.session_type}`);
  return lines.join('\n');
}

/** Failure patterns across sessions, worst first, with the playbook's escalation for each. */
function incidents(report: TriageReport): string {
  if (report.incidents.length === 0) return `incidents: none among ${report.sessions.length} session(s)`;
  const lines = [`incidents: ${report.incidents.length} failure pattern(s) among ${report.sessions.length} session(s)`];
  for (const group of report.incidents) {
    const { mode, origin_check, tool, flags } = group.signature;
    lines.push(`  ${group.count} x ${mode.replace(/_/g, ' ')} (${origin_check ?? 'no flag'}${tool ? ` -> ${tool}` : ''}; flags ${flags.join(', ') || 'none'})`);
    if (group.first_seen) lines.push(`      seen      ${group.first_seen}${group.last_seen !== group.first_seen ? ` to ${group.last_seen}` : ''}`);
    lines.push(`      example   ${group.example_session}`);
    lines.push(`      next      ${describeEscalation(group)}`);
  }
  return lines.join('\n');
}

export async function runTriage(file: string, options: { policy?: string; json?: boolean }): Promise<number> {
  await readableFile(file);
  const report = await triageTrace(file, { ...policyOption(options.policy), onProblem: reportLine(file) });
  if (report.validEvents === 0) throw noValidEvent(file);
  const { sessions, incidents: groups, baselines } = report;
  process.stdout.write(options.json ? `${JSON.stringify({ sessions, incidents: groups, baselines })}\n` : `${sessions.map(readable).join('\n\n')}\n\n${incidents(report)}\n`);
  return 0;
}
