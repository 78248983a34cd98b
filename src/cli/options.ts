import { access } from 'node:fs/promises';
import { loadPolicyFile, PolicyError, type Policy } from '../policy/policy.js';

/** A usage error: printed with the usage text, exit status 2. */
export class UsageError extends Error {}

/** Exit early with a message and a status. */
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export async function readableFile(file: string): Promise<void> {
  try {
    await access(file);
  } catch (error) {
    throw new CommandFailure(`cannot read ${file}: ${(error as Error).message}`, 1);
  }
}

export function policyOption(path: string | undefined): { policy?: Policy } {
  if (path === undefined) return {};
  try {
    return { policy: loadPolicyFile(path) };
  } catch (error) {
    if (error instanceof PolicyError) throw new CommandFailure(error.message, 2);
    throw error;
  }
}

export function reportLine(file: string) {
  return ({ line, reason }: { line: number; reason: string }) => process.stderr.write(`warden: ${file}: line ${line}: ${reason} (skipped)\n`);
}

export function noValidEvent(file: string): CommandFailure {
  return new CommandFailure(`${file} holds no valid trace event`, 1);
}

/** `--max-open-sessions N`: how many sessions an offline command keeps open at once. */
export function maxOpenSessionsOption(value: string | undefined): { maxOpenSessions?: number } {
  if (value === undefined) return {};
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new UsageError(`--max-open-sessions takes a whole number above 0, not "${value}"`);
  return { maxOpenSessions: parsed };
}
