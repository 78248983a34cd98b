// Over HTTP each client session has its own upstream server: nothing of one session reaches another,
// and an upstream lives exactly as long as its session.
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LoggingMessageNotificationSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { call, closeAll, CLOSE_TIMEOUT, eventually, EVERYTHING, httpProxy, proxyUrl } from './clients.js';

afterAll(closeAll, CLOSE_TIMEOUT);
const TIMEOUT = 60_000;

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function listening(url: URL, name: string) {
  const client = new Client({ name, version: '1' });
  const logs: unknown[] = [];
  const updates: string[] = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => void logs.push(notification.params.data));
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => void updates.push(notification.params.uri));
  const transport = new StreamableHTTPClientTransport(url);
  await client.connect(transport);
  return { client, transport, logs, updates };
}

describe('warden proxy over HTTP, two clients at once', () => {
  it('gives each session its own upstream: one client’s log messages and resource updates never reach the other', async () => {
    const proxy = await httpProxy(EVERYTHING);
    const a = await listening(proxyUrl(proxy), 'a');
    const b = await listening(proxyUrl(proxy), 'b');
    const sessions = proxy.sessions();
    expect(sessions).toHaveLength(2);
    expect(new Set(sessions.map((session) => session.upstreamPid)).size).toBe(2);
    expect(sessions.map((session) => session.id).sort()).toEqual([a.transport.sessionId, b.transport.sessionId].sort());

    // A turns on simulated logging (one message at once) and subscribes to a resource.
    expect((await call(a.client, 'toggle-simulated-logging')).isError).toBeFalsy();
    const uri = 'demo://resource/dynamic/text/1';
    await a.client.subscribeResource({ uri });
    expect((await call(a.client, 'toggle-subscriber-updates')).isError).toBeFalsy();
    await eventually(() => expect(a.logs.length).toBeGreaterThan(0), 'A’s log message');
    await eventually(() => expect(a.updates).toContain(uri), 'A’s resource update');
    // B did the same kind of work meanwhile, and heard nothing of A's.
    expect((await call(b.client, 'get-sum', { a: 1, b: 1 })).isError).toBeFalsy();
    expect(b.logs).toEqual([]);
    expect(b.updates).toEqual([]);

    // A ends its session: its upstream goes, B's stays and keeps working.
    const [first, second] = [sessions.find((session) => session.id === a.transport.sessionId)!, sessions.find((session) => session.id === b.transport.sessionId)!];
    await a.transport.terminateSession();
    await a.client.close();
    await eventually(() => expect(alive(first.upstreamPid)).toBe(false), 'A’s upstream to exit');
    expect(proxy.sessions().map((session) => session.id)).toEqual([second.id]);
    expect(alive(second.upstreamPid)).toBe(true);
    expect((await call(b.client, 'get-sum', { a: 2, b: 2 })).isError).toBeFalsy();
    expect(b.logs).toEqual([]);
    await b.client.close();
  }, TIMEOUT);

  it('ends a session that stays idle, with its upstream, and says so to a client that comes back', async () => {
    const proxy = await httpProxy(EVERYTHING, { sessionIdleMs: 2_000 });
    const url = proxyUrl(proxy);
    const initialize = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
    });
    const sessionId = initialize.headers.get('mcp-session-id');
    expect(sessionId).toBeTruthy();
    expect(await initialize.text()).toContain('"serverInfo"');
    const [session] = proxy.sessions();
    expect(alive(session!.upstreamPid)).toBe(true);
    await eventually(() => expect(proxy.sessions()).toEqual([]), 'the idle session to end');
    await eventually(() => expect(alive(session!.upstreamPid)).toBe(false), 'its upstream to exit');
    const late = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId! },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(late.status).toBe(404);
    expect(await late.json()).toMatchObject({ error: { message: expect.stringMatching(/Session not found/) } });
  }, TIMEOUT);

  it('closes every upstream when the proxy closes', async () => {
    const proxy = await httpProxy(EVERYTHING);
    const a = await listening(proxyUrl(proxy), 'a');
    const pids = proxy.sessions().map((session) => session.upstreamPid);
    expect(pids.every(alive)).toBe(true);
    await proxy.close();
    await eventually(() => expect(pids.some(alive)).toBe(false), 'the upstreams to exit');
    await a.client.close().catch(() => {});
  }, TIMEOUT);
});
