// What a server receives through `warden proxy`: an allowed tools/call goes on as the very bytes the
// client wrote (numbers, duplicate keys, spacing, a missing `arguments`), as on a direct connection.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVERYTHING, halfClosed } from './clients.js';

const TEE = fileURLToPath(new URL('../../fixtures/mcp-tee-server.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'warden-bytes-'));

const INITIALIZE = '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}';
const INITIALIZED = '{"jsonrpc":"2.0","method":"notifications/initialized"}';

/** The lines the server received, through the proxy or directly. */
async function received(route: 'direct' | 'proxy', frames: string[]): Promise<{ lines: string[]; answered: Array<string | number> }> {
  const log = join(dir, `${route}-${Math.random().toString(36).slice(2)}.log`);
  const run = await halfClosed(route, [TEE, process.execPath, ...EVERYTHING], [INITIALIZE, INITIALIZED, ...frames], { TEE_LOG: log });
  return { lines: readFileSync(log, 'utf8').split('\n').filter(Boolean), answered: run.answered };
}

describe('an allowed tools/call reaches the server byte for byte', () => {
  const frames = [
    '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}',
    '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get-sum","arguments":{"a":1.0,"b":12345678901234567890}}}',
    '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"message":"\\u00e9 \\ud800 x"}}}',
    '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get-tiny-image"}}',
    '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"get-sum","arguments":{"a":-0,"b":1e400, "a":2}}}',
    '{ "jsonrpc" : "2.0", "id" : 6, "method" : "tools/call", "params" : { "name" : "echo", "arguments" : { "message" : "spaced" } , "_meta": {"progressToken": 5}} }',
  ];

  it('benign: the server sees what it would see directly', async () => {
    const [direct, proxied] = await Promise.all([received('direct', frames), received('proxy', frames)]);
    expect(direct.lines).toEqual([INITIALIZE, INITIALIZED, ...frames]);
    expect(proxied.lines).toEqual(direct.lines);
  }, 60_000);

  it('must hold: a call the guard refuses never reaches the server, and is answered', async () => {
    const refused = '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get-sum","arguments":{"a":"two","b":3}}}';
    const proxied = await received('proxy', [frames[0]!, refused, frames[1]!]);
    expect(proxied.lines).toEqual([INITIALIZE, INITIALIZED, frames[0], frames[1]]);
    expect([...proxied.answered].sort()).toEqual([0, 1, 2, 7]);
  }, 60_000);
});
