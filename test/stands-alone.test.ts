import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as fs from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { outsideReads, outsideRule, REPO_ROOT } from './setup/fs-guard.js';

/** A path beside the repository, where the reference material sits on the team's machines. */
const BESIDE = join(dirname(REPO_ROOT), ['sha', 'red'].join(''), 'spec.md');
const SKIP = new Set(['node_modules', 'dist', '.git']);
const TEXT = /\.(?:ts|js|mjs|cjs|json|md|txt|yml|yaml|sh|html|css)$|^[^.]+$/;

function projectFiles(dir = REPO_ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return projectFiles(path);
    return entry.isFile() && TEXT.test(entry.name) && statSync(path).size < 2_000_000 ? [path] : [];
  });
}

/** Takes what the guard recorded during `read`, so this file's own probes do not fail it. */
async function caught(read: () => unknown): Promise<string[]> {
  const before = outsideReads.length;
  try {
    await read();
  } catch {
    // The file need not exist: the attempt is what counts.
  }
  await new Promise((done) => setTimeout(done, 20));
  return outsideReads.splice(before).map((entry) => entry.via);
}

describe('the repository stands alone', () => {
  afterEach(() => {
    expect(outsideReads).toEqual([]);
  });

  it('the fs guard records reads outside the repository, through every read entry point', async () => {
    expect(await caught(() => readFileSync(BESIDE))).toContain('fs.readFileSync');
    expect(await caught(() => readFile(BESIDE))).toContain('fs.promises.readFile');
    expect(await caught(async () => (await open(BESIDE)).close())).toContain('fs.promises.open');
    expect(await caught(() => fs.openSync(new URL(`file://${BESIDE}`), 'r'))).toContain('fs.openSync');
    expect(await caught(() => new Promise((done) => fs.readFile(join(REPO_ROOT, '..', 'elsewhere', 'notes.txt'), done)))).toContain('fs.readFile');
    expect(await caught(() => new Promise((done) => fs.createReadStream(BESIDE).on('error', done).on('open', done)))).toContain('fs.createReadStream');
    expect(await caught(() => readdirSync(dirname(REPO_ROOT)))).toContain('fs.readdirSync');
  });

  it('fails a test file that read outside the repository, even when its tests passed', () => {
    const probe = join(REPO_ROOT, 'test', 'fixtures', 'fs-guard-probe');
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', join(probe, 'vitest.config.ts')], { cwd: probe, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' } });
    expect(run.status).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/read paths outside the repository[\s\S]*warden-probe-beside\.txt/);
  }, 120_000);

  it('the fs guard forbids the folder beside the clone even when the clone lives in the temporary folder', () => {
    const inCi = outsideRule('/tmp/warden-ci-1/agent-warden', '/tmp', ['/dev/null']);
    expect(inCi('/tmp/warden-ci-1/shared/spec.md')).toBe(true);
    expect(inCi('/tmp/warden-ci-1/agent-warden/README.md')).toBe(false);
    expect(inCi('/tmp/warden-cli-2/trace.jsonl')).toBe(false);
    expect(inCi('/srv/data/spec.md')).toBe(true);
    expect(inCi('/dev/null')).toBe(false);
    const atTmp = outsideRule('/tmp/agent-warden', '/tmp', []);
    expect(atTmp('/tmp/warden-cli-2/trace.jsonl')).toBe(false);
    const onDisk = outsideRule('/home/me/agent-warden', '/home/me/tmp', []);
    expect(onDisk('/home/me/shared/spec.md')).toBe(true);
    expect(onDisk('/home/me/tmp/warden-cli-2/trace.jsonl')).toBe(false);
    expect(onDisk('/etc/hostname')).toBe(true);
  });

  it('the fs guard lets reads inside the repository and the temporary folder through', async () => {
    expect(await caught(() => readFileSync(join(REPO_ROOT, 'package.json')))).toEqual([]);
    expect(await caught(() => readFile(new URL('../package.json', import.meta.url)))).toEqual([]);
    expect(await caught(() => readdirSync(join(REPO_ROOT, 'node_modules')))).toEqual([]);
  });

  it('no project file names the reference folder beside the repository', () => {
    const needles = [['..', 'sha' + 'red'].join('/'), ['', 'work', 'sha' + 'red'].join('/')];
    const offenders = projectFiles().filter((path) => {
      const text = readFileSync(path, 'utf8');
      return needles.some((needle) => text.includes(needle));
    });
    expect(offenders.map((path) => relative(REPO_ROOT, path))).toEqual([]);
  });

  it('every relative link in the Markdown files points at a file in the repository', () => {
    const broken: string[] = [];
    for (const path of projectFiles().filter((candidate) => candidate.endsWith('.md'))) {
      const text = readFileSync(path, 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(?:[a-z]+:|#)/i.test(target!)) continue;
        const resolved = resolve(dirname(path), decodeURI(target!.split('#')[0]!));
        const within = !relative(REPO_ROOT, resolved).startsWith('..');
        let exists = false;
        if (within) {
          try {
            statSync(resolved);
            exists = true;
          } catch {
            exists = false;
          }
        }
        if (!within || !exists) broken.push(`${relative(REPO_ROOT, path)}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the tau-bench data the tests use is in the repository with its license and source', () => {
    const folder = join(REPO_ROOT, 'test', 'fixtures', 'tau-bench');
    expect(readFileSync(join(folder, 'LICENSE'), 'utf8')).toMatch(/MIT License[\s\S]*Copyright \(c\) 2024 Sierra/);
    expect(readFileSync(join(folder, 'README.md'), 'utf8')).toMatch(/sierra-research\/tau-bench[\s\S]*7362a1708d720a4d697d042f21fd8637ea144c3b/);
  });

  it('the Who&When logs the tests use are in the repository with their license and source', () => {
    const folder = join(REPO_ROOT, 'test', 'fixtures', 'who-and-when');
    expect(readFileSync(join(folder, 'LICENSE'), 'utf8')).toMatch(/MIT License[\s\S]*Copyright \(c\) 2025 Ming Yin/);
    expect(readFileSync(join(folder, 'README.md'), 'utf8')).toMatch(/mingyin1\/Agents_Failure_Attribution[\s\S]*3d9d568840f004b389638f97adf3e0ab8b5a9514/);
  });
});
