import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI, as `npx warden` runs it. */
export const WARDEN_BIN = fileURLToPath(new URL('../../bin/warden.js', import.meta.url));

/** A scratch folder for one test file's inputs. */
export const scratch = mkdtempSync(join(tmpdir(), 'warden-cli-'));

export function warden(...args: string[]) {
  return wardenWith({}, ...args);
}

/** Runs the CLI with stdin text and extra environment variables. */
export function wardenWith(options: { input?: string | Buffer; env?: Record<string, string>; cwd?: string }, ...args: string[]) {
  const run = spawnSync(process.execPath, [WARDEN_BIN, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 110_000,
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

export function file(name: string, text: string | Buffer): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}
