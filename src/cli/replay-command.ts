import { replayTrace } from '../replay.js';
import { maxOpenSessionsOption, noValidEvent, policyOption, readableFile, reportLine } from './options.js';

const STOPPING = new Set(['block', 'pause', 'kill']);

export async function runReplay(file: string, options: { policy?: string; json?: boolean; expect?: boolean; 'max-open-sessions'?: string }): Promise<number> {
  await readableFile(file);
  const policy = policyOption(options.policy);
  // Stops a guard recorded when the case was saved: session -> the first step it stopped.
  const savedStops = new Map<string, { step: number; codes: string[] }>();
  const report = await replayTrace(file, { ...policy, ...maxOpenSessionsOption(options['max-open-sessions']) }, {
    onProblem: reportLine(file),
    onEvent(event) {
      if (event.type !== 'guard.decision' || !STOPPING.has(event.action) || savedStops.has(event.session_id)) return;
      savedStops.set(event.session_id, { step: event.target_step, codes: (event.flags ?? []).map((flag) => flag.code) });
    },
  });
  if (report.validEvents === 0) throw noValidEvent(file);
  if (options.json) process.stdout.write(`${JSON.stringify(report.sessions)}\n`);
  else {
    for (const session of report.sessions) {
      const stopped = session.decisions.filter((decision) => decision.action !== 'allow');
      process.stdout.write(`session ${session.session_id}: ${session.decisions.length} decisions, ${stopped.length} not allowed\n`);
      for (const decision of session.decisions) {
        const flags = decision.flags.length > 0 ? `  ${decision.flags.join(', ')}` : '';
        process.stdout.write(`  step ${String(decision.step).padStart(4)}  ${decision.action.padEnd(5)}  ${decision.tool}${flags}\n`);
      }
    }
  }
  if (!options.expect) return 0;
  // Regression library: every session stopped when it was saved must still be stopped, at that step or before.
  let regressions = 0;
  for (const [sessionId, saved] of savedStops) {
    const decisions = report.sessions.find((session) => session.session_id === sessionId)?.decisions ?? [];
    const stillStopped = decisions.some((decision) => STOPPING.has(decision.action) && decision.step <= saved.step);
    if (stillStopped) continue;
    regressions += 1;
    process.stderr.write(`warden: regression: session ${sessionId} was stopped at step ${saved.step} (${saved.codes.join(', ') || 'no flags'}) when saved, and is no longer stopped\n`);
  }
  if (savedStops.size === 0) process.stderr.write(`warden: ${file} records no stopped session: nothing to expect\n`);
  else process.stderr.write(`warden: ${savedStops.size - regressions} of ${savedStops.size} saved stops still hold\n`);
  return regressions > 0 ? 1 : 0;
}
