import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The format's documentation, the contract traces are recorded against. */
export const TRACE_FORMAT_DOC = fileURLToPath(new URL('../../docs/trace-format.md', import.meta.url));

/** The example trace of docs/trace-format.md, read from the document itself. */
export function specExample(): string {
  return /```jsonl\n([\s\S]*?)```/.exec(readFileSync(TRACE_FORMAT_DOC, 'utf8'))![1]!;
}
