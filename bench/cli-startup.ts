import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI (bench runs from dist/bench/). */
const WARDEN = fileURLToPath(new URL('../../bin/warden.js', import.meta.url));
const RUNS = 15;

function elapsedMs(args: string[]): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * CLI start-up against the floor of starting Node at all: `warden --help` and `warden COMMAND --help`
 * must load next to nothing (the MCP SDK only for `proxy`, OpenTelemetry only when asked).
 * Runs are interleaved so a busy machine slows floor and CLI alike; medians, not means.
 */
export function cliStartup(): Array<{ task: string; 'median (ms)': number; 'x floor': number }> {
  const cases: Array<[string, string[]]> = [
    ['floor: node -e 0', ['-e', '0']],
    ['warden --help', [WARDEN, '--help']],
    ['warden --version', [WARDEN, '--version']],
    ['warden replay --help', [WARDEN, 'replay', '--help']],
    ['warden proxy --help', [WARDEN, 'proxy', '--help']],
  ];
  const times = cases.map(() => [] as number[]);
  for (let round = 0; round < RUNS; round += 1) cases.forEach(([, args], index) => times[index]!.push(elapsedMs(args)));
  const floor = median(times[0]!);
  return cases.map(([task], index) => ({ task, 'median (ms)': Number(median(times[index]!).toFixed(1)), 'x floor': Number((median(times[index]!) / floor).toFixed(2)) }));
}
