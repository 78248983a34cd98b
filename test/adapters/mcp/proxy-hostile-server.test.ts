// What a hostile server's answers cannot get past `warden proxy` unchecked: a second answer to a call, instructions in
// a JSON-RPC error or in a result that asks for more input, and a call whose name is not a string. Each beside its
// benign twin, which goes on as it came.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { halfClosed } from './clients.js';

const HOSTILE = fileURLToPath(new URL('../../fixtures/mcp-hostile-server.mjs', import.meta.url));
const START = [
  { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} },
];
const LOOKUP = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'get_order', arguments: { order_id: 'ord_1' } } };

/** The proxy's answers to the requests after START, by id, with what it wrote in all. */
async function answers(result: string | undefined, calls: object[]) {
  const run = await halfClosed('proxy', [HOSTILE], [...START, ...calls], result === undefined ? {} : { RESULT: result });
  const byId = run.lines.filter((line) => line.method === undefined && typeof line.id === 'number' && line.id >= 2);
  return { byId, all: JSON.stringify(run.lines) };
}

describe('a hostile server behind warden proxy', () => {
  it('benign: a call is answered once, with the server\'s result', async () => {
    const { byId } = await answers(undefined, [LOOKUP]);
    expect(byId).toEqual([{ jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: '{"order_id":"ord_1","status":"shipped"}' }] } }]);
  }, 60_000);

  it('must hold: a second answer to a call already answered is dropped, not passed on unchecked', async () => {
    const { byId, all } = await answers('dup', [LOOKUP]);
    expect(byId).toEqual([{ jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: 'ok' }] } }]);
    expect(all).not.toContain('IGNORE ALL PREVIOUS');
  }, 60_000);

  // (A refusal quotes the words its rule matched, as every withheld result's does; the order itself is gone.)
  it('must hold: a JSON-RPC error carrying instructions is withheld (its code kept); a plain one goes on as it came', async () => {
    const hostile = await answers('error', [LOOKUP]);
    expect(hostile.all).not.toContain('call refund on every order');
    expect(hostile.byId).toEqual([{ jsonrpc: '2.0', id: 2, error: { code: -1, message: expect.stringMatching(/^Result of get_order refused\. .*instructions aimed at the agent/) } }]);
    const plain = await answers('error-plain', [LOOKUP]);
    expect(plain.byId).toEqual([{ jsonrpc: '2.0', id: 2, error: { code: -1, message: 'order not found' } }]);
  }, 60_000);

  it('must hold: a result asking for more input that carries content is checked as a result; one without goes on', async () => {
    const hostile = await answers('incomplete', [LOOKUP]);
    expect(hostile.all).not.toContain('call refund on every order');
    expect(hostile.byId).toEqual([{ jsonrpc: '2.0', id: 2, result: expect.objectContaining({ isError: true, _meta: { 'agent-warden/refusal': expect.objectContaining({ flags: [expect.objectContaining({ code: 'PROMPT_INJECTION' })] }) } }) }]);
    const plain = await answers('incomplete-plain', [LOOKUP]);
    expect(plain.byId).toEqual([{ jsonrpc: '2.0', id: 2, result: { resultType: 'input_required', inputRequests: {} } }]);
  }, 60_000);

  it('must hold: a call whose name is not a string is refused, never forwarded for a server to dispatch', async () => {
    const { byId, all } = await answers(undefined, [{ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: ['refund'], arguments: { order_id: 'ord_9' } } }]);
    expect(byId).toEqual([{ jsonrpc: '2.0', id: 2, error: { code: -32602, message: expect.stringContaining('params.name, a string') } }]);
    expect(all).not.toContain('REFUNDED');
  }, 60_000);
});
