import { triageTrace } from '../forensics/triage.js';
import type { SessionTriage } from '../forensics/triage-types.js';
import { maxOpenSessionsOption, noValidEvent, policyOption, readableFile, reportLine } from './options.js';

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
  lines.push(`  totals         ${llm_calls} model calls, ${tool_calls} tool calls, ${input_tokens} input / ${output_tokens} output tokens`);
  return lines.join('\n');
}

export async function runTriage(file: string, options: { policy?: string; json?: boolean; 'max-open-sessions'?: string }): Promise<number> {
  await readableFile(file);
  const report = await triageTrace(file, { ...policyOption(options.policy), ...maxOpenSessionsOption(options['max-open-sessions']), onProblem: reportLine(file) });
  if (report.validEvents === 0) throw noValidEvent(file);
  process.stdout.write(options.json ? `${JSON.stringify(report.sessions)}\n` : `${report.sessions.map(readable).join('\n\n')}\n`);
  return 0;
}
