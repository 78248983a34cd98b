import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from './command.js';
import { CommandFailure, policyOption, stringOption } from './options.js';
import { writeOutputFile } from './output.js';
import { statusAfterReading } from './exit-status.js';
import { safeMessage, terminalSafe } from './safe-message.js';
import { reportHint } from './report-hint.js';
import { readingTraces, TRACE_ARGUMENT_HELP, TRACE_OPTIONS } from './trace-input.js';

/** A session id as a file name: anything but letters, digits, `.`, `_` and `-` replaced. */
function fileNameFor(sessionId: string, taken: Set<string>): string {
  const base = sessionId.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 120) || 'session';
  let name = `${base}.md`;
  for (let index = 2; taken.has(name.toLowerCase()); index += 1) name = `${base}-${index}.md`;
  taken.add(name.toLowerCase());
  return name;
}

/** `-o` names a folder when it exists as one, ends with a separator, or does not end in `.md`. */
function isFolderOutput(path: string): boolean {
  if (existsSync(path)) return statSync(path).isDirectory();
  return /[\\/]$/.test(path) || !/\.md$/i.test(path);
}

const LISTED = 20;

export const command: Command = {
  name: 'postmortem',
  usage: ['postmortem [options] TRACE...'],
  description: `Drafts a Markdown postmortem with the playbook's six sections (context, classification, fault origin and cascade, impact, contributing factors, detection gap); what needs human judgement is left as explicit prompts. On a trace of several sessions it drafts the one given by --session, else the first with a finding, and names the others; with -o DIR it drafts every session, one file each. ${TRACE_ARGUMENT_HELP}`,
  options: {
    ...TRACE_OPTIONS,
    session: { type: 'string', arg: 'ID', help: 'the session to draft (default: the first with a finding, else the first)' },
    output: { type: 'string', short: 'o', arg: 'PATH', help: 'write to PATH.md, or into the folder PATH one SESSION.md per session (folders created as needed)' },
  },
  positionals: [1, Infinity],
  examples: [
    ['warden postmortem incident.jsonl > postmortem.md', 'the draft of the session that went wrong'],
    ['warden postmortem --session s-0237 -o reports/s-0237.md day.jsonl', 'one session of a busy trace, written to a file'],
    ['warden postmortem -o reports/ traces/', 'a draft for every session of every trace in a folder'],
  ],
  async run({ values, positionals }) {
    const quiet = values.quiet === true;
    const sessionId = stringOption(values.session);
    const output = stringOption(values.output);
    const policy = await policyOption(stringOption(values.policy));
    const { triageTrace } = await import('../forensics/triage.js');
    const { chooseSession, draftPostmortems } = await import('../forensics/postmortem.js');
    return readingTraces('postmortem', positionals, { rereadable: true, quiet }, async ({ traces, progress, problems, onProblem, onEvent, requireEvents }) => {
      const report = await triageTrace(traces.lines, { ...policy, onProblem, onEvent });
      requireEvents(report.validEvents);
      const folder = output !== undefined && sessionId === undefined && isFolderOutput(output);
      if (folder) {
        const taken = new Set<string>();
        let written = 0;
        progress.phase = 'drafting';
        for await (const { sessionId: id, markdown } of draftPostmortems(traces.lines, report, report.sessions.map((session) => session.session_id))) {
          writeOutputFile(join(output, fileNameFor(id, taken)), markdown);
          written += 1;
        }
        progress.stop();
        if (!quiet) process.stderr.write(`warden postmortem: ${written} drafts written to ${safeMessage(output)} (one per session), ${progress.elapsed()}\n`);
        return statusAfterReading(problems.count);
      }
      const chosen = chooseSession(report, sessionId);
      if (!chosen) throw new CommandFailure(sessionId ? `session ${safeMessage(sessionId, 200)} is not in ${safeMessage(traces.label)} (it holds ${report.sessions.length}: ${report.sessions.slice(0, LISTED).map((session) => safeMessage(session.session_id, 200)).join(', ')}${report.sessions.length > LISTED ? ', …' : ''})` : `${safeMessage(traces.label)} holds no session`, 1);
      let markdown = '';
      for await (const drafted of draftPostmortems(traces.lines, report, [chosen.session_id])) markdown = drafted.markdown;
      progress.stop();
      if (output !== undefined) writeOutputFile(output, markdown);
      else process.stdout.write(terminalSafe(markdown));
      const others = report.sessions.filter((session) => session !== chosen);
      if (!quiet && others.length > 0) {
        const why = sessionId ? 'as asked' : chosen.mode !== 'none' ? `the first with a finding: ${chosen.mode}` : 'no session has a finding; the first';
        const listed = others.slice(0, LISTED).map((session) => `  ${safeMessage(session.session_id, 200)}  ${session.mode}`);
        if (others.length > LISTED) listed.push(`  … and ${others.length - LISTED} more`);
        process.stderr.write(
          terminalSafe(`warden postmortem: drafted session ${safeMessage(chosen.session_id, 200)} (${why}). The trace holds ${others.length} other session${others.length === 1 ? '' : 's'}:\n${listed.join('\n')}\nDraft another with --session ID, or all with -o DIR.\n`),
        );
      } else if (!quiet) process.stderr.write(terminalSafe(`warden postmortem: drafted session ${safeMessage(chosen.session_id, 200)}${output ? ` to ${safeMessage(output)}` : ''}, ${progress.elapsed()}\n`));
      if (!quiet) process.stderr.write(`warden postmortem: ${safeMessage(reportHint(positionals, chosen.session_id), 2000)}\n`);
      return statusAfterReading(problems.count);
    });
  },
};
