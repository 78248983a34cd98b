import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpGuard } from '../adapters/mcp/guarded-tools.js';
import { target } from './targets.js';

const EVERYTHING = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');
const WARDEN = fileURLToPath(new URL('../../bin/warden.js', import.meta.url));
const RAW_RELAY = fileURLToPath(new URL('./raw-relay.js', import.meta.url));
/** The C relay's source, beside this file's own in bench/ (this runs from dist/bench/). */
const NATIVE_RELAY_SOURCE = fileURLToPath(new URL('../../bench/native-relay.c', import.meta.url));

type Route = 'direct' | 'native' | 'relay' | 'proxied';
/** Calls per route before measuring: the proxy is a long-lived process, measured once its hot code is compiled. */
const WARM_UP = Number(process.env.BENCH_PROXY_WARMUP ?? 1_500);

interface Connection {
  client: Client;
  /** The process the client talks to: the server (direct), the raw relay, or warden proxy. */
  pid: number | null;
}

async function connect(command: string, args: string[]): Promise<Connection> {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  const transport = new StdioClientTransport({ command, args, stderr: 'ignore' });
  await client.connect(transport);
  return { client, pid: transport.pid };
}

export interface Latency {
  p50: number;
  p99: number;
  mean: number;
}

export interface ProxyLatency {
  direct: Latency;
  /** Through a process that only pipes bytes: the floor of any stdio proxy. */
  relay: Latency;
  /**
   * Through the same relay written in C (bench/native-relay.c: poll, read, write): the hop with no event loop
   * of its own. Absent where the machine has no C compiler.
   */
  native?: Latency;
  proxied: Latency;
  /** proxied p50 / direct p50 (target <= 1.15). */
  ratio: number;
  /** proxied p50 - direct p50, in µs (target <= 100). */
  addedMicros: number;
  /** relay p50 / direct p50 and relay p50 - direct p50: what the extra process hop alone costs. */
  relayRatio: number;
  relayAddedMicros: number;
  /** native p50 / direct p50: the hop as the kernel alone charges it. */
  nativeRatio?: number;
  /**
   * The guard's own checks of one such call (admitCall + checkResult), run in this process once per round
   * between the round trips, so its code is as cold as the proxy's: the part of the added time no relay
   * can avoid.
   */
  guard: Latency;
  /** CPU time (user + system, all threads) per call of the relay and of the proxy process, in µs (Linux only). */
  cpuMicros?: { relay: number; proxied: number };
  calls: number;
}

function summary(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99), mean: samples.reduce((sum, value) => sum + value, 0) / samples.length };
}

/** A process's CPU time so far (user + system, every thread), in µs; undefined where /proc is missing. */
function cpuMicros(pid: number | null): number | undefined {
  if (pid === null) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, in clock ticks of 10 ms (USER_HZ is 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

/**
 * Compiles bench/native-relay.c with the machine's C compiler (`cc`) into a temporary folder; undefined where
 * there is no compiler (the bench then leaves its row out). `remove` deletes the folder.
 */
function compileNativeRelay(): { path: string; remove: () => void } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'warden-native-relay-'));
  const path = join(dir, 'native-relay');
  try {
    execFileSync(process.env.CC ?? 'cc', ['-O2', '-o', path, NATIVE_RELAY_SOURCE], { stdio: 'ignore' });
    return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

/**
 * tools/call round trips to server-everything's echo: direct, through a raw byte relay (one extra
 * process hop, the floor of any stdio proxy; in Node, and in C where the machine compiles it) and through
 * `warden proxy`, one call of each in turn (the order rotating) so all see the same machine load. Times
 * in µs.
 */
export async function proxyLatency(timeMs = 4_000): Promise<ProxyLatency> {
  const nativeRelay = compileNativeRelay();
  const connections: Partial<Record<Route, Connection>> = {
    direct: await connect(process.execPath, [EVERYTHING, 'stdio']),
    relay: await connect(process.execPath, [RAW_RELAY, process.execPath, EVERYTHING, 'stdio']),
    proxied: await connect(process.execPath, [WARDEN, 'proxy', process.execPath, EVERYTHING, 'stdio']),
  };
  if (nativeRelay) connections.native = await connect(nativeRelay.path, [process.execPath, EVERYTHING, 'stdio']);
  const routes = (['direct', 'native', 'relay', 'proxied'] as const).filter((route) => connections[route] !== undefined);
  const timings: Record<Route | 'guard', number[]> = { direct: [], native: [], relay: [], proxied: [], guard: [] };
  const guard = new McpGuard();
  const key = McpGuard.connectionKey();
  const { tools } = await connections.direct!.client.listTools();
  await guard.toolsListed(key, tools);
  // Distinct messages: the same call repeated would (rightly) be paused as a loop.
  let calls = 0;
  const once = async (route: Route, record: boolean) => {
    const started = process.hrtime.bigint();
    await connections[route]!.client.callTool({ name: 'echo', arguments: { message: `${route} ${calls++}` } });
    if (record) timings[route].push(Number(process.hrtime.bigint() - started) / 1_000);
  };
  for (let index = 0; index < WARM_UP; index += 1) for (const route of routes) await once(route, false);
  const cpuBefore = { relay: cpuMicros(connections.relay!.pid), proxied: cpuMicros(connections.proxied!.pid) };
  const until = Date.now() + timeMs;
  for (let round = 0; Date.now() < until || round < 200; round += 1) {
    // Rotate which goes first, so none always follows another.
    for (let index = 0; index < routes.length; index += 1) await once(routes[(round + index) % routes.length]!, true);
    const message = `guard ${calls++}`;
    const started = process.hrtime.bigint();
    const admission = await guard.admitCall(key, { name: 'echo', arguments: { message } }, async () => tools);
    if (!('admitted' in admission)) throw new Error('the guard refused a plain echo call');
    await guard.checkResult(key, admission.admitted, { content: [{ type: 'text', text: `Echo: ${message}` }] });
    timings.guard.push(Number(process.hrtime.bigint() - started) / 1_000);
  }
  await guard.endAll();
  const cpuAfter = { relay: cpuMicros(connections.relay!.pid), proxied: cpuMicros(connections.proxied!.pid) };
  for (const route of routes) await connections[route]!.client.close();
  nativeRelay?.remove();
  const [direct, relay, proxied] = (['direct', 'relay', 'proxied'] as const).map((route) => summary(timings[route])) as [Latency, Latency, Latency];
  const native = timings.native.length > 0 ? summary(timings.native) : undefined;
  const measured = timings.direct.length;
  const perCall = (route: 'relay' | 'proxied') => (cpuAfter[route]! - cpuBefore[route]!) / measured;
  const haveCpu = [cpuBefore.relay, cpuBefore.proxied, cpuAfter.relay, cpuAfter.proxied].every((value) => value !== undefined);
  return {
    direct,
    relay,
    proxied,
    guard: summary(timings.guard),
    ratio: proxied.p50 / direct.p50,
    addedMicros: proxied.p50 - direct.p50,
    relayRatio: relay.p50 / direct.p50,
    relayAddedMicros: relay.p50 - direct.p50,
    ...(native ? { native, nativeRatio: native.p50 / direct.p50 } : {}),
    ...(haveCpu ? { cpuMicros: { relay: perCall('relay'), proxied: perCall('proxied') } } : {}),
    calls: measured,
  };
}

/** Prints the proxy round trip against its floors (a direct connection, a raw relay), with the targets. */
export function reportProxyLatency(result: ProxyLatency): void {
  console.log('\nMCP tools/call round trip (server-everything echo over stdio; calls interleaved)');
  const row = (task: string, latency: Latency, cpu?: number) => ({
    task,
    'p50 (µs)': Math.round(latency.p50),
    'p99 (µs)': Math.round(latency.p99),
    'x direct (p50)': Number((latency.p50 / result.direct.p50).toFixed(2)),
    'added p50 (µs)': Math.round(latency.p50 - result.direct.p50),
    'CPU/call (µs)': cpu === undefined ? '' : Math.round(cpu),
  });
  console.table([
    row('floor: direct stdio connection', result.direct),
    ...(result.native ? [row('floor: byte relay in C (poll, read, write)', result.native)] : []),
    row('floor: raw byte relay (one more process hop)', result.relay, result.cpuMicros?.relay),
    row('proxy: the same call through warden proxy', result.proxied, result.cpuMicros?.proxied),
  ]);
  const rest = result.addedMicros - result.relayAddedMicros - result.guard.p50;
  console.log(
    `guard checks alone (admitCall + checkResult in this process, between round trips): p50 ${Math.round(result.guard.p50)} µs, p99 ${Math.round(result.guard.p99)} µs; ` +
      `so the added p50 is about ${Math.round(result.relayAddedMicros)} µs hop + ${Math.round(result.guard.p50)} µs guard + ${Math.round(rest)} µs relay (framing, parsing, ordering; an allowed call goes on as the bytes read)`,
  );
  console.log(
    `proxy/direct p50 ratio ${result.ratio.toFixed(2)} (target <= 1.15), added p50 ${Math.round(result.addedMicros)} µs (target <= 100); ` +
      `the hop alone (raw relay) ${result.relayRatio.toFixed(2)}x, +${Math.round(result.relayAddedMicros)} µs` +
      (result.native ? `, in C ${result.nativeRatio!.toFixed(2)}x, +${Math.round(result.native.p50 - result.direct.p50)} µs` : ' (no C compiler: no C relay row)') +
      `; ${result.calls} calls each. ` +
      'CPU/call: the relay or proxy process, user + system, all threads.',
  );
  const floors = `raw relay: ${result.relayRatio.toFixed(2)} x` + (result.nativeRatio === undefined ? '' : `, in C: ${result.nativeRatio.toFixed(2)} x`);
  target({ name: 'proxy tools/call p50', floor: `direct stdio (${floors})`, value: result.ratio, unit: 'x', limit: 1.15, kind: 'max' });
  target({ name: 'proxy added p50', floor: `direct stdio (raw relay: +${Math.round(result.relayAddedMicros)} µs)`, value: result.addedMicros, unit: 'µs', limit: 100, kind: 'max' });
}
