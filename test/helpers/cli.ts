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
  const run = spawnSync(process.execPath, [WARDEN_BIN, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

export function file(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}
