import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const EVERYTHING = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');
const WARDEN = fileURLToPath(new URL('../../bin/warden.js', import.meta.url));

async function client(args: string[]): Promise<Client> {
  const connected = new Client({ name: 'bench', version: '1.0.0' });
  await connected.connect(new StdioClientTransport({ command: process.execPath, args, stderr: 'ignore' }));
  return connected;
}

export interface ProxyLatency {
  direct: { p50: number; p99: number; mean: number };
  proxied: { p50: number; p99: number; mean: number };
  /** proxied p50 / direct p50 (target <= 1.15). */
  ratio: number;
  /** proxied p50 - direct p50, in µs (target <= 100). */
  addedMicros: number;
  calls: number;
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99), mean: samples.reduce((sum, value) => sum + value, 0) / samples.length };
}

/**
 * tools/call round trips to server-everything's echo, direct and through `warden proxy`, alternating one
 * call of each so both see the same machine load. Times in µs.
 */
export async function proxyLatency(timeMs = 4_000): Promise<ProxyLatency> {
  const direct = await client([EVERYTHING, 'stdio']);
  const proxied = await client([WARDEN, 'proxy', process.execPath, EVERYTHING, 'stdio']);
  const timings = { direct: [] as number[], proxied: [] as number[] };
  // Distinct messages: the same call repeated would (rightly) be paused as a loop.
  let calls = 0;
  const once = async (which: 'direct' | 'proxied', record: boolean) => {
    const connection = which === 'direct' ? direct : proxied;
    const started = process.hrtime.bigint();
    await connection.callTool({ name: 'echo', arguments: { message: `${which} ${calls++}` } });
    if (record) timings[which].push(Number(process.hrtime.bigint() - started) / 1_000);
  };
  for (let index = 0; index < 200; index += 1) {
    await once('direct', false);
    await once('proxied', false);
  }
  const until = Date.now() + timeMs;
  for (let round = 0; Date.now() < until || round < 200; round += 1) {
    // Alternate which goes first, so neither always follows the other.
    const order: Array<'direct' | 'proxied'> = round % 2 === 0 ? ['direct', 'proxied'] : ['proxied', 'direct'];
    for (const which of order) await once(which, true);
  }
  await direct.close();
  await proxied.close();
  const [d, p] = [summary(timings.direct), summary(timings.proxied)];
  return { direct: d, proxied: p, ratio: p.p50 / d.p50, addedMicros: p.p50 - d.p50, calls: timings.direct.length };
}

/** Prints the proxy round trip against its floor, with the targets. */
export function reportProxyLatency(result: ProxyLatency): void {
  console.log('\nMCP tools/call round trip (server-everything echo over stdio; alternating calls)');
  console.table([
    { task: 'floor: direct stdio connection', 'p50 (µs)': Math.round(result.direct.p50), 'p99 (µs)': Math.round(result.direct.p99), 'x floor (p50)': 1 },
    { task: 'proxy: the same call through warden proxy', 'p50 (µs)': Math.round(result.proxied.p50), 'p99 (µs)': Math.round(result.proxied.p99), 'x floor (p50)': Number(result.ratio.toFixed(2)) },
  ]);
  console.log(`proxy/direct p50 ratio ${result.ratio.toFixed(2)} (target <= 1.15), added p50 ${Math.round(result.addedMicros)} µs (target <= 100), ${result.calls} calls each`);
}
