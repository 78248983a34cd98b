import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The system's description of itself: playwright-core reads it to know the host it drives a browser on (the report's tests). */
const OS_DESCRIPTION = ['/etc/os-release', '/proc/version'];

/** The repository: everything the suite reads must be inside it (or a scratch folder). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/[\\/]$/, '');

const ALLOWED_ROOTS = [REPO_ROOT, tmpdir(), '/dev/null', '/dev/urandom', '/dev/random', '/dev/tty', '/proc/self', '/sys/fs/cgroup', ...OS_DESCRIPTION];

/** Reads of paths outside the repository seen so far in this test file: `[entry point, path]`. */
export const outsideReads: Array<{ via: string; path: string }> = [];

function inside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The absolute path a read entry point was given, or undefined for a file descriptor. */
function pathOf(target: unknown): string | undefined {
  if (typeof target === 'string') return resolve(target);
  if (target instanceof URL) return target.protocol === 'file:' ? fileURLToPath(target) : undefined;
  if (Buffer.isBuffer(target)) return resolve(target.toString('utf8'));
  return undefined;
}

/**
 * The rule: inside `root` is fine; beside it is never fine, even when the clone itself lives in the
 * temporary folder (as in CI), unless the temporary folder is its direct parent or sits beside it;
 * the temporary folder and a few device files are fine.
 */
export function outsideRule(root: string, temporary: string, allowed: readonly string[]): (path: string) => boolean {
  const parent = dirname(root);
  return (path) => {
    if (inside(path, root)) return false;
    const besideRoot = inside(path, parent) && parent !== temporary && !(inside(path, temporary) && !inside(parent, temporary));
    if (besideRoot) return true;
    return !inside(path, temporary) && !allowed.some((entry) => inside(path, entry));
  };
}

const outside = outsideRule(REPO_ROOT, tmpdir(), ALLOWED_ROOTS.filter((entry) => entry !== REPO_ROOT && entry !== tmpdir()));

/** Whether reading this path would make the suite depend on something a fresh clone does not have. */
export function isOutsideRepo(target: unknown): boolean {
  const path = pathOf(target);
  return path !== undefined && outside(path);
}

function watch<T extends object>(owner: T, names: ReadonlyArray<keyof T & string>, label: string): void {
  for (const name of names) {
    const original = owner[name] as unknown as (...args: unknown[]) => unknown;
    if (typeof original !== 'function' || (original as { __wardenGuard?: boolean }).__wardenGuard) continue;
    const wrapped = function (this: unknown, target: unknown, ...rest: unknown[]) {
      if (isOutsideRepo(target)) outsideReads.push({ via: `${label}${name}`, path: pathOf(target)! });
      return original.call(this, target, ...rest);
    };
    Object.defineProperty(wrapped, '__wardenGuard', { value: true });
    Object.defineProperty(wrapped, 'name', { value: name });
    (owner as Record<string, unknown>)[name] = wrapped;
  }
}

/** Wraps node:fs's read entry points (callback, sync and promise forms) so every path read is checked. */
export function installFsGuard(): void {
  watch(fs, ['readFileSync', 'readFile', 'openSync', 'open', 'createReadStream', 'readdirSync', 'readdir', 'opendirSync', 'opendir'], 'fs.');
  watch(fs.promises, ['readFile', 'open', 'readdir', 'opendir'], 'fs.promises.');
  // ESM named imports of node:fs and node:fs/promises see the wrapped functions too.
  syncBuiltinESMExports();
}
