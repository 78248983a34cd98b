import { describe, expect, it } from 'vitest';
import { createGuard } from '../../src/index.js';
import { ORDER_TOOLS, codes } from '../helpers/guard.js';

const policy = { entities: { customer_id: { pattern: '^cust_[0-9]+$' } }, resolverTimeoutMs: 50 };

describe('step-0 entity validation', () => {
  it('accepts well-formed entities that exist, and lets tool calls through', async () => {
    const guard = createGuard({ tools: ORDER_TOOLS, policy, resolvers: { customer_id: async (id) => id === 'cust_789' } });
    const session = await guard.startSession({ entities: { customer_id: 'cust_789' } });
    expect(session.startDecision.action).toBe('allow');
    expect((await session.beforeToolCall({ tool: 'list_orders', arguments: { customer_id: 'cust_789' } })).action).toBe('allow');
  });

  it('flags a malformed entity at step 0 and refuses every tool call of the session', async () => {
    const guard = createGuard({ tools: ORDER_TOOLS, policy });
    const session = await guard.startSession({ entities: { customer_id: 'customer-789' } });
    expect(session.startDecision.step).toBe(0);
    expect(codes(session.startDecision)).toEqual(['ENTITY_UNVERIFIED']);
    expect(session.startDecision.flags[0]!.evidence).toMatchObject({ reason: 'format' });
    const call = await session.beforeToolCall({ tool: 'search', arguments: { query: 'anything' } });
    expect(call.action).toBe('block');
    expect(codes(call)).toEqual(['ENTITY_UNVERIFIED']);
  });

  it('flags entities the resolver does not find, rejects, or does not answer in time', async () => {
    const resolvers = {
      customer_id: async (id: string) => {
        if (id === 'cust_1') return false;
        if (id === 'cust_2') throw new Error('db down');
        return new Promise<boolean>(() => {});
      },
    };
    const guard = createGuard({ tools: ORDER_TOOLS, policy, resolvers });
    const session = await guard.startSession({ entities: { customer_id: ['cust_1', 'cust_2', 'cust_3'] } });
    expect(session.startDecision.flags.map((flag) => flag.evidence?.reason).sort()).toEqual(['not_found', 'resolver_error', 'timeout']);
  });

  it('accepts a kind with no pattern and no resolver without a flag', async () => {
    const session = await createGuard({ tools: ORDER_TOOLS }).startSession({ entities: { ticket: 'anything at all' } });
    expect(session.startDecision.flags).toEqual([]);
  });

  it('lets the policy turn the refusal into a warning', async () => {
    const guard = createGuard({ tools: ORDER_TOOLS, policy: { ...policy, actions: { ENTITY_UNVERIFIED: 'warn' } } });
    const session = await guard.startSession({ entities: { customer_id: 'bad' } });
    const call = await session.beforeToolCall({ tool: 'search', arguments: { query: 'q' } });
    expect(call.action).toBe('warn');
    expect(call.proceed).toBe(true);
  });
});
