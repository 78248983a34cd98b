import { describe, expect, it } from 'vitest';
import { codes, orderSession } from '../helpers/guard.js';
import { createGuard } from '../../src/index.js';

describe('argument schema', () => {
  it('passes valid arguments, given as an object or as JSON text', async () => {
    const { session } = await orderSession();
    expect((await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1001' } })).action).toBe('allow');
    expect((await session.beforeToolCall({ tool: 'get_order', arguments: '{"order_id": "ord_1001"}' })).action).toBe('allow');
  });

  it('flags a schema violation with the JSON path and what was expected', async () => {
    const { session } = await orderSession();
    const decision = await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: 'ord_1001', amount: 'lots' } });
    expect(decision.action).toBe('block');
    expect(codes(decision)).toEqual(['TOOL_ARG_MISMATCH']);
    expect(decision.flags[0]!.evidence?.problems).toEqual([{ path: '/amount', expected: 'type number' }]);
    const missing = await session.beforeToolCall({ tool: 'get_order', arguments: {} });
    expect(missing.flags[0]!.message).toContain('/order_id');
    const extra = await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1001', force: true } });
    expect(extra.flags[0]!.evidence?.problems).toEqual([{ path: '/force', expected: 'no such property (not allowed by the schema)' }]);
  });

  it('flags unparseable, cut-off and non-object argument JSON', async () => {
    const { session } = await orderSession();
    for (const bad of ['{"order_id": "ord_10', 'not json', '[1,2]', '"ord_1001"']) {
      const decision = await session.beforeToolCall({ tool: 'get_order', arguments: bad });
      expect(codes(decision), bad).toEqual(['TOOL_ARG_MISMATCH']);
    }
  });

  it('flags oversized, over-deep and __proto__-carrying arguments without being polluted', async () => {
    const { session } = await orderSession({ policy: { limits: { maxArgumentBytes: 1000, maxDepth: 10 } } });
    const big = await session.beforeToolCall({ tool: 'search', arguments: { query: 'x'.repeat(2_000) } });
    expect(big.flags[0]!.evidence).toMatchObject({ reason: 'too_large' });
    let deep: Record<string, unknown> = { query: 'q' };
    for (let index = 0; index < 20; index += 1) deep = { nested: deep, query: 'q' };
    expect((await session.beforeToolCall({ tool: 'search', arguments: deep })).flags[0]!.evidence).toMatchObject({ reason: 'too_deep' });
    const proto = await session.beforeToolCall({ tool: 'search', arguments: '{"query":"q","__proto__":{"polluted":true}}' });
    expect(proto.flags[0]!.evidence).toMatchObject({ reason: 'forbidden_key' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('flags an unknown tool and lists the known ones', async () => {
    const { session } = await orderSession();
    const decision = await session.beforeToolCall({ tool: 'delete_everything', arguments: {} });
    expect(decision.action).toBe('block');
    expect(codes(decision)).toEqual(['TOOL_UNKNOWN']);
    expect(decision.flags[0]!.evidence?.knownTools).toContain('get_order');
  });

  it('validates draft-07 schemas and formats', async () => {
    const guard = createGuard({
      tools: [{ name: 'mail', input_schema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { to: { type: 'string', format: 'email' } }, required: ['to'] } }],
    });
    const session = await guard.startSession();
    expect((await session.beforeToolCall({ tool: 'mail', arguments: { to: 'a@example.com' } })).action).toBe('allow');
    expect(codes(await session.beforeToolCall({ tool: 'mail', arguments: { to: 'nope' } }))).toEqual(['TOOL_ARG_MISMATCH']);
  });

  it('runs a backtracking-prone pattern in linear time (RE2), so it validates instead of hanging', async () => {
    const risky = { name: 'risky', input_schema: { type: 'object', properties: { q: { type: 'string', pattern: '^(a+)+$' } } } };
    const session = await createGuard({ tools: [risky] }).startSession();
    expect(codes(await session.beforeToolCall({ tool: 'risky', arguments: { q: `${'a'.repeat(40_000)}!` } }))).toEqual(['TOOL_ARG_MISMATCH']);
    expect(codes(await session.beforeToolCall({ tool: 'risky', arguments: { q: 'aaaa' } }))).toEqual([]);
  });

  it('fails closed on a schema pattern RE2 cannot run (backreference), and open when the policy says so', async () => {
    const evil = { name: 'evil', input_schema: { type: 'object', properties: { q: { type: 'string', pattern: '^(a+)\\1$' } } } };
    const closed = await createGuard({ tools: [evil] }).startSession();
    const refused = await closed.beforeToolCall({ tool: 'evil', arguments: { q: `${'a'.repeat(40)}!` } });
    expect(refused.action).toBe('block');
    expect(codes(refused)).toEqual(['GUARD_ERROR']);
    expect(refused.flags[0]!.message).toMatch(/linear-time regex engine \(backreference\)/);
    const open = await createGuard({ tools: [evil], policy: { onCheckError: 'allow' } }).startSession();
    const allowed = await open.beforeToolCall({ tool: 'evil', arguments: { q: 'aaa' } });
    expect(allowed.action).toBe('warn');
    expect(allowed.proceed).toBe(true);
  });

  it('refuses schemas that are too large, too deep, or reference remote documents', async () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let index = 0; index < 100; index += 1) deep = { type: 'object', properties: { x: deep } };
    const tools = [
      { name: 'deep', input_schema: deep },
      { name: 'remote', input_schema: { $ref: 'https://example.com/schema.json' } },
      { name: 'huge', input_schema: { type: 'object', description: 'x'.repeat(300_000) } },
    ];
    const session = await createGuard({ tools }).startSession();
    for (const tool of ['deep', 'remote', 'huge']) {
      expect(codes(await session.beforeToolCall({ tool, arguments: {} })), tool).toEqual(['GUARD_ERROR']);
    }
  });

  it('checks nothing about the arguments of a tool defined without a schema, and everything else still', async () => {
    const session = await createGuard({ tools: [{ name: 'note' } as never] }).startSession();
    await session.message('user', 'remember ticket T-1');
    expect((await session.beforeToolCall({ tool: 'note', arguments: { anything: [1, 2] } })).action).toBe('allow');
    expect((await session.beforeToolCall({ tool: 'note', arguments: { ticket_id: 'T-9' } })).flags.map((flag) => flag.code)).toEqual(['ENTITY_HALLUCINATION']);
  });
});
