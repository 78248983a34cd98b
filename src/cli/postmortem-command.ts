import { writeFileSync } from 'node:fs';
import { writePostmortem } from '../forensics/postmortem.js';
import { reportHint } from './report-hint.js';
import { CommandFailure, policyOption, readableFile, reportLine } from './options.js';

export async function runPostmortem(file: string, options: { policy?: string; session?: string; output?: string }): Promise<number> {
  await readableFile(file);
  let markdown: string;
  try {
    markdown = await writePostmortem(file, { ...policyOption(options.policy), onProblem: reportLine(file), ...(options.session ? { sessionId: options.session } : {}) });
  } catch (error) {
    if (error instanceof CommandFailure) throw error;
    throw new CommandFailure((error as Error).message, 1);
  }
  if (options.output) writeFileSync(options.output, markdown);
  else process.stdout.write(markdown);
  process.stderr.write(`warden: ${reportHint(file, options.session)}\n`);
  return 0;
}
