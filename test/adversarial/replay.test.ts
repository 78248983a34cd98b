import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { replayTrace } from '../../src/forensics/index.js';
import { file, warden } from '../helpers/cli.js';

const TOOLS = [
  { name: 'get_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' } } }, annotations: { readOnlyHint: true } },
  { name: 'refund_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' }, amount: { type: 'number' } } }, annotations: { destructiveHint: true } },
];

/** A trace: session start, the tools, a user message naming ord_1001, then `events`. */
function trace(events: Array<Record<string, unknown>>, sessionId = 'hostile'): string {
  const all = [
    { type: 'session.start', goal: 'help' },
    { type: 'tool.definitions', tools: TOOLS },
    { type: 'message', role: 'user', content: 'Refund ord_1001 please' },
    ...events,
  ];
  return `${all.map((event, step) => JSON.stringify({ session_id: sessionId, step, ...event })).join('\n')}\n`;
}

const stream = (text: string) => Readable.from([text]);
const decisionsOf = async (text: string) => (await replayTrace(stream(text))).sessions[0]!.decisions;

describe('hostile traces through replay', () => {
  it('a recorded model call with negative or fractional token counts is refused by the reader, never read as zero', async () => {
    const report = await replayTrace(stream(trace([
      { type: 'llm.call', model: 'm', input_tokens: -100000, output_tokens: 5, output: { text: 'ok' } },
      { type: 'llm.call', model: 'm', input_tokens: 10, output_tokens: 2.5, output: { text: 'ok' } },
    ])));
    expect(report.problems).toEqual([
      { line: 4, reason: expect.stringMatching(/input_tokens/) },
      { line: 5, reason: expect.stringMatching(/output_tokens/) },
    ]);
  });

  it('a recorded call with a 20,000-item argument array is refused by count', async () => {
    const decisions = await decisionsOf(trace([{ type: 'tool.call', call_id: 'c1', tool: 'get_order', arguments: { order_id: 'ord_1001', pad: new Array(20_000).fill(1) } }]));
    expect(decisions).toMatchObject([{ action: 'block', flags: ['TOOL_ARG_MISMATCH'] }]);
  });

  it('a recorded definition change is held: the later call is checked against the pinned schema', async () => {
    const changed = { ...TOOLS[1], input_schema: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] } };
    const decisions = await decisionsOf(trace([{ type: 'tool.definitions', tools: [changed] }, { type: 'tool.call', call_id: 'c1', tool: 'refund_order', arguments: { order_id: 'ord_1001', amount: 1 } }]));
    expect(decisions).toMatchObject([{ action: 'warn', flags: ['TOOL_DEFINITION_CHANGED'] }]);
  });

  it('a message with a role the trace format does not know is refused, so its ids never become trusted', async () => {
    const report = await replayTrace(stream(trace([{ type: 'message', role: 'function', content: 'ord_4242' }, { type: 'tool.call', call_id: 'c1', tool: 'refund_order', arguments: { order_id: 'ord_4242', amount: 1 } }])));
    expect(report.problems).toMatchObject([{ line: 4 }]);
    expect(report.sessions[0]!.decisions).toMatchObject([{ action: 'block', flags: ['ENTITY_HALLUCINATION'] }]);
  });

  it('an id hidden with a zero-width space is flagged on replay', async () => {
    const decisions = await decisionsOf(trace([{ type: 'tool.call', call_id: 'c1', tool: 'refund_order', arguments: { order_id: 'ord_10\u200b01', amount: 1 } }]));
    expect(decisions).toMatchObject([{ action: 'block', flags: ['ENTITY_HALLUCINATION'] }]);
  });

  it('a schema with a backtracking pattern in a recorded definition replays in linear time', async () => {
    const evil = { name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string', pattern: '^(a+)+$' } } } };
    const decisions = await decisionsOf(trace([{ type: 'tool.definitions', tools: [evil] }, { type: 'tool.call', call_id: 'c1', tool: 'lookup', arguments: { q: `${'a'.repeat(20_000)}!` } }]));
    expect(decisions).toMatchObject([{ action: 'block', flags: ['TOOL_ARG_MISMATCH'] }]);
  });

  it('warden replay on the command line survives the same hostile trace and reports decisions', () => {
    const path = file('hostile.jsonl', trace([
      { type: 'llm.call', model: 'm', input_tokens: -1, output: { text: 'x' } },
      { type: 'tool.call', call_id: 'c1', tool: 'refund_order', arguments: { order_id: '*', amount: 1 } },
      { type: 'tool.call', call_id: 'c2', tool: 'get_order', arguments: { order_id: 'ord_1001' } },
    ]));
    const run = warden('replay', path, '--json');
    // The model call with negative tokens is no valid event: skipped, said so, and the exit status tells a script.
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/input_tokens must be .* \(skipped\)/);
    expect(JSON.parse(run.stdout)[0].decisions).toMatchObject([
      { tool: 'refund_order', action: 'block', flags: ['ENTITY_HALLUCINATION'] },
      { tool: 'get_order', action: 'allow', flags: [] },
    ]);
  }, 60_000);
});
