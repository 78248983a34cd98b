import { statSync } from 'node:fs';
import type { Policy } from '../policy/policy.js';

/** A usage error: the message and where to find help, exit status 2. */
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

/** `--policy FILE`, loaded (and the policy module with it) only when given; a bad policy is exit status 2. */
export async function policyOption(path: string | undefined): Promise<{ policy?: Policy }> {
  if (path === undefined) return {};
  let info;
  try {
    info = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CommandFailure(`cannot read policy ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`, 2);
  }
  if (info.isDirectory()) throw new CommandFailure(`cannot read policy ${path}: is a directory`, 2);
  const { loadPolicyFile, PolicyError } = await import('../policy/policy.js');
  try {
    return { policy: loadPolicyFile(path) };
  } catch (error) {
    if (error instanceof PolicyError) throw new CommandFailure(error.message, 2);
    throw error;
  }
}

export function noValidEvent(label: string): CommandFailure {
  return new CommandFailure(`${label} holds no valid trace event`, 1);
}

/** A string option's value (parseArgs gives `string | boolean | string[] | undefined`). */
export function stringOption(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `--max-open-sessions N`: how many sessions an offline command keeps open at once. */
export function maxOpenSessionsOption(value: string | undefined): { maxOpenSessions?: number } {
  if (value === undefined) return {};
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new UsageError(`--max-open-sessions takes a whole number above 0, not "${value}"`);
  return { maxOpenSessions: parsed };
}
