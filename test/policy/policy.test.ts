import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGuard, loadPolicyFile, PolicyError, resolvePolicy } from '../../src/index.js';

describe('policy', () => {
  it('fills every default from an empty document', () => {
    const policy = resolvePolicy({});
    expect(policy.actions.LOOP_DETECTED).toBe('pause');
    expect(policy.actions.UNTRUSTED_ENTITY).toBe('warn');
    expect(policy.destructiveActions.UNTRUSTED_ENTITY).toBe('block');
    expect(policy.loop.maxRepeats).toBe(3);
    expect(policy.budget.burnRateWindowMs).toBe(15 * 60_000);
    expect(policy.onCheckError).toBe('block');
  });

  it('rejects a bad policy with every problem and its path', () => {
    let error: PolicyError | undefined;
    try {
      resolvePolicy({ actions: { LOOP_DETECTED: 'explode' }, loop: { maxRepeats: 0 }, surprise: true, entities: { order: { pattern: '(' } } } as never);
    } catch (caught) {
      error = caught as PolicyError;
    }
    expect(error).toBeInstanceOf(PolicyError);
    expect(error!.problems.join('\n')).toMatch(/\/actions\/LOOP_DETECTED/);
    expect(error!.problems.join('\n')).toMatch(/\/loop\/maxRepeats/);
    expect(error!.problems.join('\n')).toMatch(/surprise/);
    expect(error!.problems.join('\n')).toMatch(/\/entities\/order\/pattern/);
  });

  it('takes a per-tool loop limit below the history a session keeps, and names one that is not', () => {
    expect(resolvePolicy({ tools: { get_job_status: { loop: { maxRepeats: 30 } } } }).tools.get_job_status!.loop).toEqual({ maxRepeats: 30 });
    const problems = (document: unknown) => {
      try {
        resolvePolicy(document as never);
        return [];
      } catch (caught) {
        return (caught as PolicyError).problems;
      }
    };
    expect(problems({ tools: { poll: { loop: { maxRepeats: 64 } } } })).toEqual([expect.stringMatching(/^\/tools\/poll\/loop\/maxRepeats: must be below loop.history \(64\)/)]);
    expect(problems({ tools: { poll: { loop: { maxRepeats: 20 } } }, sessionTypes: { batch: { loop: { history: 16 } } } })).toEqual([expect.stringMatching(/below loop.history \(16\)/)]);
    expect(problems({ tools: { poll: { loop: { maxRepeats: 0 } } } }).join('\n')).toMatch(/\/tools\/poll\/loop\/maxRepeats/);
    expect(problems({ tools: { poll: { loop: { minIntervalMs: 5 } } } }).join('\n')).toMatch(/\/tools\/poll\/loop/);
  });

  it('loads a policy file, naming the file when it is broken', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-policy-'));
    writeFileSync(join(dir, 'good.json'), JSON.stringify({ budget: { maxTokens: 5 } }));
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    expect(loadPolicyFile(join(dir, 'good.json')).budget.maxTokens).toBe(5);
    expect(() => loadPolicyFile(join(dir, 'bad.json'))).toThrow(/bad\.json is not valid JSON/);
    expect(() => loadPolicyFile(join(dir, 'missing.json'))).toThrow(/cannot read policy file/);
  });

  it('is checked when a guard is created', () => {
    expect(() => createGuard({ policy: { onCheckError: 'maybe' } as never })).toThrow(PolicyError);
  });

  it('validates and completes a policy document however complete it looks', async () => {
    const lookalike = { onCheckError: 'block', resolverTimeoutMs: 1_000, loop: { maxRepeats: 3 }, limits: { maxDepth: 32 }, actions: { LOOP_DETECTED: 'kill' } } as const;
    const guard = createGuard({ policy: lookalike });
    expect(guard.policy.actions.ENTITY_HALLUCINATION).toBe('block');
    expect(guard.policy.actions.LOOP_DETECTED).toBe('kill');
    expect(guard.policy.limits.maxArgumentBytes).toBe(1_048_576);
    const resolved = resolvePolicy({ budget: { maxTokens: 9 } });
    expect(createGuard({ policy: resolved }).policy).toBe(resolved);
  });

  it('finds no tool policy for a tool named like an Object member, and the one written for it when there is one', async () => {
    const policy = resolvePolicy(JSON.parse('{"tools":{"__proto__":{"kind":"destructive"},"toString":{"actions":{"LOOP_DETECTED":"kill"}}}}'));
    expect(policy.tools.constructor).toBeUndefined();
    expect(policy.tools.valueOf).toBeUndefined();
    expect(policy.tools.__proto__).toEqual({ kind: 'destructive' });
    expect(policy.tools['toString']!.actions!.constructor).toBeUndefined();
    expect(policy.actions.constructor).toBeUndefined();
    expect(policy.budget.prices.constructor).toBeUndefined();
    // A tool named `constructor` is treated as any tool without a policy; `__proto__` gets the policy written for it.
    const tools = ['constructor', '__proto__'].map((name) => ({ name, description: 'A tool.', input_schema: { type: 'object', properties: { order_id: { type: 'string' } } } }));
    const guard = createGuard({ tools, policy });
    const session = await guard.startSession({ entities: { order_id: 'ord_1001' } });
    await session.message('user', 'Please look at ord_1001.');
    expect((await session.beforeToolCall({ tool: 'constructor', arguments: { order_id: 'ord_1001' } })).action).toBe('allow');
    expect((await session.beforeToolCall({ tool: '__proto__', arguments: { order_id: 'ord_1001' } })).proceed).toBe(true);
    expect((await session.beforeToolCall({ tool: '__proto__', arguments: { order_id: 'ord_9999' } })).action).toBe('block');
  });
});
