import { writeFileSync } from 'node:fs';
import { buildReportData } from '../report/report-data.js';
import { renderReportHtml } from '../report/render-html.js';
import { CommandFailure, policyOption, readableFile, UsageError } from './options.js';

export const REPORT_USAGE = `  report FILE... [-o OUT.html] [--session ID] [--policy P.json] [--title T]
                                                   one self-contained HTML page: sessions worst first, each
                                                   session's timeline, chart, cascade and postmortem draft`;

export interface ReportCommandOptions {
  output?: string;
  session?: string;
  policy?: string;
  title?: string;
}

function size(characters: number): string {
  return characters >= 1_048_576 ? `${(characters / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(characters / 1024))} kB`;
}

/** `warden report TRACE... -o incident.html`: writes the page (default incident.html; `-o -` for stdout). */
export async function runReport(files: string[], options: ReportCommandOptions): Promise<number> {
  if (files.length === 0) throw new UsageError('report takes one or more trace files');
  for (const file of files) await readableFile(file);
  let data;
  try {
    data = await buildReportData(files, {
      ...policyOption(options.policy),
      ...(options.session !== undefined ? { sessionId: options.session } : {}),
      ...(options.title !== undefined ? { title: options.title } : {}),
      onProblem: ({ source, line, reason }) => process.stderr.write(`warden: ${source}: line ${line}: ${reason} (skipped)\n`),
    });
  } catch (error) {
    if (error instanceof CommandFailure) throw error;
    throw new CommandFailure((error as Error).message, 1);
  }
  if (data.sessions.length === 0) throw new CommandFailure(`${files.join(', ')} ${files.length === 1 ? 'holds' : 'hold'} no valid trace event`, 1);
  const html = renderReportHtml(data);
  const output = options.output ?? 'incident.html';
  if (output === '-') {
    process.stdout.write(html);
    return 0;
  }
  try {
    writeFileSync(output, html);
  } catch (error) {
    throw new CommandFailure(`cannot write ${output}: ${(error as Error).message}`, 1);
  }
  const worst = data.sessions[0]!;
  const origin = worst.triage.fault_origin;
  process.stderr.write(
    `warden: wrote ${output} (${size(html.length)}): ${data.sessions.length} session${data.sessions.length === 1 ? '' : 's'}, the worst first: ${worst.id} (${worst.triage.mode === 'none' ? 'no anomaly found' : worst.triage.mode.replace(/_/g, ' ')}${origin ? `, fault origin step ${origin.step}` : ''}). Open it in a browser; it works offline.\n`,
  );
  for (const note of data.notes) process.stderr.write(`warden: ${note}\n`);
  return 0;
}
