import { safeMessage } from './safe-message.js';

/** Where trace reading is: updated with each line handed out, so an internal error can say where it struck. */
export const position: { source?: string; line?: number; text?: string } = {};

/** `trace.jsonl line 12 (session s-1, step 4)`, or undefined before any line was read. */
export function describePosition(): string | undefined {
  if (position.line === undefined) return undefined;
  const head = position.text?.slice(0, 1_000_000) ?? '';
  const session = /"session_id"\s*:\s*"((?:[^"\\]|\\.){0,200})"/.exec(head)?.[1];
  const step = /"step"\s*:\s*(\d{1,15})/.exec(head)?.[1];
  const where = [session !== undefined ? `session ${safeMessage(session, 80)}` : undefined, step !== undefined ? `step ${step}` : undefined].filter(Boolean).join(', ');
  return `${safeMessage(position.source ?? 'input', 200)} line ${position.line}${where ? ` (${where})` : ''}`;
}
