import type { Command } from './command.js';
import { maxOpenSessionsOption, policyOption, stringOption } from './options.js';
import { statusAfterReading } from './exit-status.js';
import { BatchedOutput } from './output.js';
import { jsonForTerminal, safeMessage, terminalSafe } from './safe-message.js';
import { readingTraces, TRACE_ARGUMENT_HELP, TRACE_OPTIONS } from './trace-input.js';

const STOPPING = new Set(['block', 'pause', 'kill']);

export const command: Command = {
  name: 'replay',
  usage: ['replay [options] TRACE...'],
  description: `Feeds traces through the guard exactly as live and prints, per session in order of first appearance, a decision for every tool call and for every tool result the guard acted on. ${TRACE_ARGUMENT_HELP}`,
  options: {
    ...TRACE_OPTIONS,
    'max-open-sessions': { type: 'string', arg: 'N', help: 'sessions open at once, at most (default 100000): a file is read twice so each session closes after its last event; stdin closes them at session.end' },
    json: { type: 'boolean', help: 'print JSON: [{"session_id", "decisions": [{"step", "tool", "action", "flags"}]}]' },
    expect: { type: 'boolean', help: 'exit 1 when a session the trace records as stopped is no longer stopped (regression library)' },
  },
  positionals: [1, Infinity],
  examples: [
    ['warden replay session.jsonl', 'the decisions the guard takes on a recorded session, as a table'],
    ['warden replay --policy policy.json --json traces/', 'every trace in a folder under a new policy, as JSON'],
    ['warden replay --expect regressions/', 'in CI: fail when a saved incident is no longer stopped'],
    ['gunzip -c old.jsonl.gz | warden replay -', 'a trace from stdin'],
  ],
  async run({ values, positionals }) {
    const json = values.json === true;
    const quiet = values.quiet === true;
    const policy = await policyOption(stringOption(values.policy));
    const { replayTraceLazily } = await import('../replay.js');
    // Stops a guard recorded when the case was saved: session -> the first step it stopped.
    const savedStops = new Map<string, { step: number; codes: string[] }>();
    const { report, skipped, elapsed, label } = await readingTraces('replay', positionals, { json, quiet }, async (reading) => {
      const { traces } = reading;
      const report = await replayTraceLazily(positionals.includes('-') ? traces.lines() : traces.lines, { ...policy, ...maxOpenSessionsOption(stringOption(values['max-open-sessions'])) }, {
        onProblem: reading.onProblem,
        onEvent(event) {
          reading.onEvent(event);
          if (event.type !== 'guard.decision' || !STOPPING.has(event.action) || savedStops.has(event.session_id)) return;
          savedStops.set(event.session_id, { step: event.target_step, codes: (event.flags ?? []).map((flag) => String(flag?.code)) });
        },
      });
      reading.requireEvents(report.validEvents);
      return { report, skipped: reading.problems.count, elapsed: reading.progress.elapsed(), label: traces.label };
    });
    // Written a session at a time, as the whole text would have been: a million sessions are never one string.
    const out = new BatchedOutput(process.stdout);
    const counts = new Map<string, number>();
    /** Saved stops still holding, by session (the first report of a session id decides, as a search would). */
    const holding = new Map<string, boolean>();
    let first = true;
    if (json) await out.write('[');
    for (const session of report.sessions) {
      let stoppedHere = 0;
      for (const decision of session.decisions) {
        counts.set(decision.action, (counts.get(decision.action) ?? 0) + 1);
        if (decision.action !== 'allow') stoppedHere += 1;
      }
      const saved = savedStops.get(session.session_id);
      if (saved && !holding.has(session.session_id)) holding.set(session.session_id, session.decisions.some((decision) => STOPPING.has(decision.action) && decision.step <= saved.step));
      if (json) await out.write(`${first ? '' : ','}${jsonForTerminal(session)}`);
      else {
        const lines = [`session ${safeMessage(session.session_id, 200)}: ${session.decisions.length} decisions, ${stoppedHere} not allowed`];
        for (const decision of session.decisions) {
          const flags = decision.flags.length > 0 ? `  ${safeMessage(decision.flags.join(', '))}` : '';
          lines.push(`  step ${String(decision.step).padStart(4)}  ${decision.action.padEnd(5)}  ${safeMessage(decision.tool, 200)}${flags}`);
        }
        await out.write(terminalSafe(`${first ? '' : '\n'}${lines.join('\n')}`));
      }
      first = false;
    }
    await out.write(json ? ']\n' : '\n');
    await out.flush();
    const byAction = (action: string) => counts.get(action) ?? 0;
    const stopped = ['block', 'pause', 'kill'].map((action) => [action, byAction(action)] as const).filter(([, count]) => count > 0);
    if (!quiet) {
      process.stderr.write(
        `warden replay: ${report.sessions.size} sessions, ${report.validEvents} events, ${stopped.reduce((sum, [, count]) => sum + count, 0)} stopped${stopped.length > 0 ? ` (${stopped.map(([action, count]) => `${count} ${action}`).join(', ')})` : ''}, ${byAction('warn')} warned, ${skipped} lines skipped, ${elapsed}\n`,
      );
    }
    if (values.expect !== true) return statusAfterReading(skipped);
    // Regression library: every session stopped when it was saved must still be stopped, at that step or before.
    let regressions = 0;
    for (const [sessionId, saved] of savedStops) {
      if (holding.get(sessionId) === true) continue;
      regressions += 1;
      process.stderr.write(terminalSafe(`warden: regression: session ${safeMessage(sessionId, 200)} was stopped at step ${saved.step} (${safeMessage(saved.codes.join(', ')) || 'no flags'}) when saved, and is no longer stopped\n`));
    }
    if (savedStops.size === 0) process.stderr.write(`warden: ${safeMessage(label)} records no stopped session: nothing to expect\n`);
    else process.stderr.write(`warden: ${savedStops.size - regressions} of ${savedStops.size} saved stops still hold\n`);
    return statusAfterReading(skipped, regressions > 0 ? 1 : 0);
  },
};
