import { describe, expect, it } from 'vitest';
import { codes, ORDER_TOOLS, orderSession } from '../helpers/guard.js';
import { MemorySink } from '../../src/trace/sinks.js';
import type { Decision, GuardSession } from '../../src/index.js';
import type { ToolDefinition } from '../../src/trace/events.js';

const lookup = (name: string, input_schema: Record<string, unknown>): ToolDefinition => ({ name, input_schema, annotations: { readOnlyHint: true } });

const TOOLS: ToolDefinition[] = [
  ...ORDER_TOOLS,
  lookup('search_orders', { type: 'object', properties: { query: { type: 'string' }, page: { type: 'integer' }, cursor: { type: 'string' } }, required: ['query'] }),
  lookup('sample_products', { type: 'object', properties: { category: { type: 'string' }, seed: { type: 'integer' } } }),
  lookup('run_query', { type: 'object' }),
  lookup('find_orders', {
    type: 'object',
    properties: { filter: { type: 'object', properties: { status: { type: 'string' } } }, lines: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } } } } },
  }),
  lookup('strict_search', { type: 'object', properties: { query: { type: 'string' } }, additionalProperties: false }),
  lookup('tagged_search', { type: 'object', properties: { query: { type: 'string' } }, patternProperties: { '^x-': { type: 'integer' } } }),
  lookup('open_search', { type: 'object', properties: { query: { type: 'string' } }, additionalProperties: { type: 'integer' } }),
  lookup('composed_search', { type: 'object', properties: { query: { type: 'string' } }, anyOf: [{ properties: { region: { type: 'string' } } }, { required: ['query'] }] }),
];

/** Junk values that change on every call and look like nothing volatile.ts knows by name or shape. */
const SEEDS = [15851, 7932, 30211, 4417, 26003, 918];

async function call(session: GuardSession, tool: string, args: Record<string, unknown>, result: unknown): Promise<Decision> {
  const callId = `c${session.step + 1}`;
  const decision = await session.beforeToolCall({ callId, tool, arguments: args });
  if (decision.proceed) await session.afterToolCall({ callId, tool, result });
  return decision;
}

async function session(options: { sink?: MemorySink; userMessage?: string } = {}) {
  return (await orderSession({ tools: TOOLS, userMessage: 'My parcel is late, can you find my order?', ...options })).session;
}

/** The actions of one call of `tool` per argument set, each returning what `resultOf` gives for its index. */
async function actions(tool: string, calls: Array<Record<string, unknown>>, resultOf: (index: number) => unknown = () => ({ orders: [] })): Promise<string[]> {
  const guarded = await session();
  const found: string[] = [];
  for (const [index, args] of calls.entries()) found.push((await call(guarded, tool, args, resultOf(index))).action);
  return found;
}

describe('loop detection with arguments the tool does not declare', () => {
  it('pauses the same search retried with an undeclared seed that changes every time', async () => {
    const guarded = await session();
    const decisions: Decision[] = [];
    for (const seed of SEEDS.slice(0, 4)) decisions.push(await call(guarded, 'search_orders', { query: 'late parcel', seed }, { orders: [] }));
    expect(decisions.map((decision) => decision.action)).toEqual(['allow', 'allow', 'allow', 'pause']);
    expect(codes(decisions[3]!)).toEqual(['LOOP_DETECTED']);
    expect(decisions[3]!.flags[0]!.evidence).toMatchObject({ tool: 'search_orders', repeats: 4 });
  });

  it('pauses it under any undeclared name, a string or an object value too', async () => {
    expect(await actions('search_orders', SEEDS.slice(0, 4).map((took) => ({ query: 'late parcel', took })))).toEqual(['allow', 'allow', 'allow', 'pause']);
    expect(await actions('search_orders', SEEDS.slice(0, 4).map((seed) => ({ query: 'late parcel', salt_value: `s${seed}` })))).toEqual(['allow', 'allow', 'allow', 'pause']);
    expect(await actions('search_orders', SEEDS.slice(0, 4).map((seed) => ({ query: 'late parcel', meta: { run: seed } })))).toEqual(['allow', 'allow', 'allow', 'pause']);
  });

  it('pauses on an undeclared key inside a declared object or array item, and not when a declared one there changes', async () => {
    expect(await actions('find_orders', SEEDS.slice(0, 4).map((took) => ({ filter: { status: 'late', took } })))).toEqual(['allow', 'allow', 'allow', 'pause']);
    expect(await actions('find_orders', SEEDS.slice(0, 4).map((took) => ({ lines: [{ sku: 'sku-1', took }] })))).toEqual(['allow', 'allow', 'allow', 'pause']);
    expect(await actions('find_orders', SEEDS.map((seed) => ({ filter: { status: `status ${seed}` } })))).toEqual(Array(6).fill('allow'));
    expect(await actions('find_orders', SEEDS.map((seed) => ({ lines: [{ sku: `sku-${seed}` }] })))).toEqual(Array(6).fill('allow'));
  });

  it('pauses a repeated call that fails a closed schema (additionalProperties: false) only for the junk it adds', async () => {
    const guarded = await session();
    const decisions: Decision[] = [];
    for (const seed of SEEDS.slice(0, 4)) decisions.push(await call(guarded, 'strict_search', { query: 'late parcel', seed }, { orders: [] }));
    // Each call is refused for the key the schema does not allow; the same refused call a 4th time is a loop as well.
    expect(decisions.slice(0, 3).map(codes)).toEqual([['TOOL_ARG_MISMATCH'], ['TOOL_ARG_MISMATCH'], ['TOOL_ARG_MISMATCH']]);
    expect(codes(decisions[3]!)).toEqual(expect.arrayContaining(['TOOL_ARG_MISMATCH', 'LOOP_DETECTED']));
    expect(decisions[3]!.action).toBe('pause');
  });

  it('does not pause a walk through pages or cursors the tool declares', async () => {
    expect(await actions('search_orders', [1, 2, 3, 4, 5, 6].map((page) => ({ query: 'late parcel', page, seed: SEEDS[page - 1] })))).toEqual(Array(6).fill('allow'));
    expect(await actions('search_orders', SEEDS.map((seed) => ({ query: 'late parcel', cursor: `after_${seed}` })))).toEqual(Array(6).fill('allow'));
  });

  it('does not pause a declared seed that changes: each value is a new request', async () => {
    expect(await actions('sample_products', SEEDS.map((seed) => ({ category: 'shoes', seed })))).toEqual(Array(6).fill('allow'));
  });

  it('does not pause a tool that declares no properties: nothing tells junk from meaning', async () => {
    expect(await actions('run_query', SEEDS.map((seed) => ({ sql: 'select * from orders', seed })))).toEqual(Array(6).fill('allow'));
  });

  it('does not pause undeclared keys that patternProperties, an additionalProperties schema or a composed branch admits', async () => {
    expect(await actions('tagged_search', SEEDS.map((seed) => ({ query: 'late parcel', 'x-seed': seed })))).toEqual(Array(6).fill('allow'));
    expect(await actions('open_search', SEEDS.map((seed) => ({ query: 'late parcel', seed })))).toEqual(Array(6).fill('allow'));
    expect(await actions('composed_search', SEEDS.map((seed) => ({ query: 'late parcel', region: `r${seed}` })))).toEqual(Array(6).fill('allow'));
    // A key the branches do not declare either is masked there too.
    expect(await actions('composed_search', SEEDS.slice(0, 4).map((seed) => ({ query: 'late parcel', seed })))).toEqual(['allow', 'allow', 'allow', 'pause']);
  });

  it('does not pause an undeclared key whose name marks an entity id: an id is never noise', async () => {
    const guarded = await session({ userMessage: `My parcel is late, it is one of ${SEEDS.map((seed) => `ord_${seed}`).join(', ')}` });
    const found: string[] = [];
    for (const seed of SEEDS) found.push((await call(guarded, 'search_orders', { query: 'late parcel', order_id: `ord_${seed}` }, { orders: [] })).action);
    expect(found).toEqual(Array(6).fill('allow'));
  });

  it('does not pause polling with an undeclared seed whose results keep changing', async () => {
    expect(await actions('search_orders', SEEDS.map((seed) => ({ query: 'late parcel', seed })), (index) => ({ orders: [], checked: index }))).toEqual(Array(6).fill('allow'));
  });

  it('masks the undeclared value only for comparison: the recorded call keeps it as given', async () => {
    const sink = new MemorySink();
    const guarded = await session({ sink });
    for (const seed of SEEDS.slice(0, 2)) await call(guarded, 'search_orders', { query: 'late parcel', seed }, { orders: [] });
    const recorded = sink.events.flatMap((event) => (event.type === 'tool.call' ? [event.arguments] : []));
    expect(recorded).toEqual([{ query: 'late parcel', seed: SEEDS[0] }, { query: 'late parcel', seed: SEEDS[1] }]);
  });
});
