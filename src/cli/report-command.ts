import type { Command } from './command.js';
import { CommandFailure, policyOption, stringOption } from './options.js';
import { writeOutputFile } from './output.js';
import { statusAfterReading } from './exit-status.js';
import { safeMessage, terminalSafe } from './safe-message.js';
import { readingTraces, TRACE_ARGUMENT_HELP, TRACE_OPTIONS } from './trace-input.js';

function size(characters: number): string {
  return characters >= 1_048_576 ? `${(characters / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(characters / 1024))} kB`;
}

export const command: Command = {
  name: 'report',
  usage: ['report [options] TRACE...'],
  description: `Writes one self-contained HTML page to look at an incident: every session, the worst first, with a filter box; per session its timeline (flags, the guard's action, tokens, time since start), the fault origin marked and the cascade highlighted, the external actions after the origin with their reversibility, a chart of tokens per step and cumulative cost with the budget line, each step's content (redacted, long content cut with its size shown), the postmortem draft and the triage JSON to copy. The page makes no network request and opens from file://. ${TRACE_ARGUMENT_HELP}`,
  options: {
    ...TRACE_OPTIONS,
    output: { type: 'string', short: 'o', arg: 'FILE', help: 'the page to write (default incident.html; - for stdout)' },
    session: { type: 'string', arg: 'ID', help: 'report on this session only, with room for its whole timeline' },
    title: { type: 'string', arg: 'TEXT', help: 'the page title (default: the worst session and its failure mode)' },
  },
  positionals: [1, Infinity],
  examples: [
    ['warden report incident.jsonl -o incident.html', 'the page of a trace; open incident.html in a browser'],
    ['warden report --session s-0237 traces/', 'one session of a folder of traces'],
    ['warden report --policy policy.json day.jsonl', 'with prices and a budget from the policy: cost and the budget line'],
  ],
  async run({ values, positionals }) {
    const quiet = values.quiet === true;
    const output = stringOption(values.output) ?? 'incident.html';
    const sessionId = stringOption(values.session);
    const title = stringOption(values.title);
    const policy = await policyOption(stringOption(values.policy));
    const { buildReportData } = await import('../report/report-data.js');
    const { renderReportHtml } = await import('../report/render-html.js');
    const { data, elapsed, skipped } = await readingTraces('report', positionals, { rereadable: true, quiet }, async (reading) => {
      let data;
      try {
        data = await buildReportData(reading.traces.lines, {
          ...policy,
          ...(sessionId !== undefined ? { sessionId } : {}),
          ...(title !== undefined ? { title } : {}),
          sources: positionals.map((name) => (name === '-' ? 'stdin' : name)),
          onProblem: reading.onProblem,
          onEvent: reading.onEvent,
        });
      } catch (error) {
        if (sessionId !== undefined && !(error instanceof CommandFailure) && (error as Error).message === `session ${sessionId} is not in the trace`) throw new CommandFailure(`session ${safeMessage(sessionId, 200)} is not in ${safeMessage(reading.traces.label)}`, 1);
        throw error;
      }
      reading.requireEvents(data.sessions.length);
      return { data, elapsed: () => reading.progress.elapsed(), skipped: reading.problems.count };
    });
    const html = renderReportHtml(data);
    if (output === '-') process.stdout.write(html);
    else writeOutputFile(output, html);
    if (!quiet) {
      const worst = data.sessions[0]!;
      const origin = worst.triage.fault_origin;
      const lines = [
        `warden report: ${output === '-' ? 'wrote the page to stdout' : `wrote ${safeMessage(output)}`} (${size(html.length)}): ${data.sessions.length} session${data.sessions.length === 1 ? '' : 's'}, the worst first: ${safeMessage(worst.id, 200)} (${worst.triage.mode === 'none' ? 'no anomaly found' : worst.triage.mode.replace(/_/g, ' ')}${origin ? `, fault origin step ${origin.step}` : ''}), ${elapsed()}.${output === '-' ? '' : ` Open ${safeMessage(output)} in a browser; it works offline.`}`,
        ...data.notes.map((note) => `warden report: ${safeMessage(note)}`),
      ];
      process.stderr.write(terminalSafe(`${lines.join('\n')}\n`));
    }
    return statusAfterReading(skipped);
  },
};
