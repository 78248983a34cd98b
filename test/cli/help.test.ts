import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { file, scratch, warden, WARDEN_BIN } from '../helpers/cli.js';
import { specExample } from '../helpers/trace-format.js';

// Spawned CLIs on a loaded 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 120_000 });

const COMMANDS = ['demo', 'replay', 'triage', 'postmortem', 'convert', 'proxy', 'sessions', 'kill', 'pause', 'resume'];
const VERSION = (JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string }).version;

describe('warden help and usage, by the conventions of eslint, vitest and tsc', () => {
  it('prints the version with --version and -v', () => {
    for (const flag of ['--version', '-v']) expect(warden(flag)).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('lists every command with -h, --help and help, and exits 0', () => {
    for (const flag of ['-h', '--help', 'help']) {
      const run = warden(flag);
      expect(run.code).toBe(0);
      for (const name of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${name}\\s+\\S`, 'm'));
      expect(run.stdout).toMatch(/Exit status: 0 .*, 1 .*, 2 usage error/);
    }
  });

  it('with no command, prints the help on stderr and exits 2', () => {
    const run = warden();
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^Usage: warden COMMAND/);
  });

  it.each(COMMANDS)('warden %s --help shows its usage, every option and an example', (name) => {
    const run = warden(name, '--help');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(new RegExp(`^Usage: warden ${name}`));
    expect(run.stdout).toMatch(/\nOptions:\n[\s\S]*-h, --help/);
    expect(run.stdout).toMatch(/\nExamples:\n {2}(warden|gunzip) /);
    expect(warden(name, '-h').stdout).toBe(run.stdout);
    expect(warden('help', name).stdout).toBe(run.stdout);
  });

  it('documents each option a command accepts, and accepts each option it documents', () => {
    const help = warden('replay', '--help').stdout;
    for (const option of ['--policy FILE', '--json', '--expect', '-q, --quiet', '--debug']) expect(help).toContain(option);
    const trace = file('help-ok.jsonl', specExample());
    expect(warden('replay', trace, '--json', '--quiet', '--debug').code).toBe(0);
  });

  it('names the command help on an unknown option, and exits 2', () => {
    const run = warden('triage', '--jsno', file('x.jsonl', specExample()));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe("warden triage: unknown option '--jsno'\nRun 'warden triage --help' for its options and examples.\n");
  });

  it('exits 2 on a missing option value, a missing argument, or an extra one', () => {
    expect(warden('replay', '--policy').code).toBe(2);
    const missing = warden('replay');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/needs an argument[\s\S]*warden replay --help/);
    expect(warden('demo', 'extra').code).toBe(2);
  });

  it('suggests the nearest command for a typo, and exits 2', () => {
    const run = warden('tirage');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown command "tirage" \(did you mean "triage"\?\)/);
  });

  it('loads no heavy module for help: no MCP SDK, no ajv, no OpenTelemetry, no Redis client', () => {
    let runs = 0;
    const loaded = (...args: string[]) => {
      const log = join(scratch, `imports-${++runs}.log`);
      const run = spawnSync(process.execPath, ['--import', fileURLToPath(new URL('../fixtures/record-imports.mjs', import.meta.url)), WARDEN_BIN, ...args], {
        encoding: 'utf8',
        env: { ...process.env, WARDEN_IMPORT_LOG: log },
        timeout: 110_000,
      });
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      return readFileSync(log, 'utf8').split('\n').filter(Boolean);
    };
    const heavy = /node_modules\/(?:@modelcontextprotocol|ajv|@opentelemetry|zod|redis|@redis)\//;
    for (const args of [['--help'], ['--version'], ['replay', '--help'], ['proxy', '--help'], ['sessions', '--help'], ['kill', '--help']]) {
      const urls = loaded(...args);
      expect(urls.length).toBeGreaterThan(0);
      expect(urls.filter((url) => heavy.test(url))).toEqual([]);
    }
    // Replay and triage load the guard (ajv) but not the MCP SDK, which only the proxy needs, nor OpenTelemetry.
    for (const command of ['replay', 'triage']) {
      const urls = loaded(command, '--quiet', file('lazy.jsonl', specExample()));
      expect(urls.some((url) => /node_modules\/ajv\//.test(url))).toBe(true);
      expect(urls.filter((url) => /node_modules\/(?:@modelcontextprotocol|@opentelemetry)\//.test(url))).toEqual([]);
    }
  });
});
