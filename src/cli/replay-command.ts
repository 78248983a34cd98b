import { access } from 'node:fs/promises';
import { replayTrace } from '../replay.js';
import { loadPolicyFile, PolicyError } from '../policy/policy.js';

export async function runReplay(file: string, options: { policy?: string; json?: boolean }): Promise<number> {
  try {
    await access(file);
  } catch (error) {
    process.stderr.write(`warden: cannot read ${file}: ${(error as Error).message}\n`);
    return 1;
  }
  let policy;
  try {
    policy = options.policy === undefined ? undefined : loadPolicyFile(options.policy);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    process.stderr.write(`warden: ${error.message}\n`);
    return 2;
  }
  const report = await replayTrace(file, policy ? { policy } : {}, {
    onProblem: ({ line, reason }) => process.stderr.write(`warden: ${file}: line ${line}: ${reason} (skipped)\n`),
  });
  if (report.validEvents === 0) {
    process.stderr.write(`warden: ${file} holds no valid trace event\n`);
    return 1;
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report.sessions)}\n`);
    return 0;
  }
  for (const session of report.sessions) {
    const stopped = session.decisions.filter((decision) => decision.action !== 'allow');
    process.stdout.write(`session ${session.session_id}: ${session.decisions.length} decisions, ${stopped.length} not allowed\n`);
    for (const decision of session.decisions) {
      const flags = decision.flags.length > 0 ? `  ${decision.flags.join(', ')}` : '';
      process.stdout.write(`  step ${String(decision.step).padStart(4)}  ${decision.action.padEnd(5)}  ${decision.tool}${flags}\n`);
    }
  }
  return 0;
}
