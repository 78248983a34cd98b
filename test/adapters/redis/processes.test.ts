import { expect, it } from 'vitest';
import { describeWithRedis, eventually, REDIS_URL, useSharedRedis } from '../../helpers/redis.js';
import { warden } from '../../helpers/cli.js';

const TOOLS = [{ name: 'get_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] }, annotations: { readOnlyHint: true } }];

// Separate Node processes, each with its own guard and store, on the shared Redis (a prefix of this run).
describeWithRedis('shared sessions across processes', () => {
  const redis = useSharedRedis();
  const spawnReplica = (sessionId: string, extra: Record<string, unknown> = {}) => redis.replica({ sessionId, tools: TOOLS, ...extra });
  const wardenOnPrefix = (...args: string[]) => warden(...args, '--redis', REDIS_URL, '--prefix', redis.prefix);

  it('4 processes x 25 concurrent admissions against a cap admitting exactly N: N admitted, spent equals the reconciled usage', async () => {
    const estimate = 40;
    const admits = 37;
    const policy = { budget: { maxTokens: admits * estimate }, actions: { BUDGET_EXCEEDED: 'block' } };
    const processes = Array.from({ length: 4 }, () => spawnReplica('budget', { policy }));
    await Promise.all(processes.map((replica) => replica.send('start')));
    const admitted = await Promise.all(processes.map((replica) => replica.send<{ admitted: number; refused: number; codes: string[] }>('admit', { count: 25, estimate, model: 'm' })));
    expect(admitted.reduce((sum, result) => sum + result.admitted, 0)).toBe(admits);
    expect(admitted.reduce((sum, result) => sum + result.refused, 0)).toBe(100 - admits);
    expect(new Set(admitted.flatMap((result) => result.codes))).toEqual(new Set(['BUDGET_EXCEEDED']));
    const meta = await redis.client.hGetAll(redis.key('budget', 'meta'));
    expect(Number(meta.reservedTokens)).toBe(admits * estimate);
    // Actual usage below the estimates: reconciling books it and releases the rest.
    const usage = [13, 40, 27, 1, 39];
    const reconciled = await Promise.all(processes.map((replica) => replica.send<{ reconciled: number; spent: number; errors: number }>('reconcile', { usage, model: 'm' })));
    expect(reconciled.reduce((sum, result) => sum + result.errors, 0)).toBe(0);
    expect(reconciled.reduce((sum, result) => sum + result.reconciled, 0)).toBe(admits);
    const after = await redis.client.hGetAll(redis.key('budget', 'meta'));
    expect(Number(after.spentTokens)).toBe(reconciled.reduce((sum, result) => sum + result.spent, 0));
    expect(Number(after.reservedTokens)).toBe(0);
    expect(await redis.client.lLen(redis.key('budget', 'log'))).toBe(1 + admits);
    await Promise.all(processes.map((replica) => replica.close()));
  }, 120_000);

  it('an id given to the session in process A is known in process B; a restarted process loses nothing', async () => {
    const a = spawnReplica('ids');
    await a.send('start', { entities: { customer_id: 'cust_31' } });
    await a.send('message', { role: 'user', content: 'Please check order ord_2024.' });
    await a.close();
    const b = spawnReplica('ids');
    expect(await b.send('start')).toMatchObject({ proceed: true });
    expect(await b.send('call', { tool: 'get_order', args: { order_id: 'ord_2024' } })).toMatchObject({ action: 'allow' });
    const invented = await b.send<{ codes: string[]; proceed: boolean }>('call', { tool: 'get_order', args: { order_id: 'ord_2025' } });
    expect(invented.proceed).toBe(false);
    expect(invented.codes).toContain('ENTITY_HALLUCINATION');
    await b.close();
  }, 120_000);

  it('`warden kill S` stops S in two other processes at their next call', async () => {
    const first = spawnReplica('kill-me');
    const second = spawnReplica('kill-me');
    await first.send('start');
    await second.send('start');
    await first.send('message', { role: 'user', content: 'order ord_1 please' });
    expect(await second.send('call', { tool: 'get_order', args: { order_id: 'ord_1' } })).toMatchObject({ action: 'allow' });
    const listed = wardenOnPrefix('sessions');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/kill-me\s+active/);
    const killed = wardenOnPrefix('kill', 'kill-me', '--reason', 'runaway agent');
    expect(killed).toMatchObject({ code: 0 });
    expect(killed.stdout).toContain('kill-me: active -> killed');
    for (const replica of [first, second]) {
      const next = await replica.send<{ action: string; codes: string[] }>('call', { tool: 'get_order', args: { order_id: 'ord_1' } });
      expect(next).toMatchObject({ action: 'kill', codes: ['SESSION_KILLED'] });
    }
    const json = JSON.parse(wardenOnPrefix('sessions', '--json').stdout) as Array<{ sessionId: string; status: string; haltedBy?: { codes: string[] } }>;
    expect(json.find((session) => session.sessionId === 'kill-me')).toMatchObject({ status: 'killed', haltedBy: { codes: ['runaway agent'] } });
    expect(wardenOnPrefix('resume', 'kill-me').stdout).toContain('killed -> killed (unchanged)');
    await Promise.all([first.close(), second.close()]);
  }, 120_000);

  it('`warden pause` then `warden resume` hold in a process at its next call; unknown sessions and a dead Redis are clear errors', async () => {
    const replica = spawnReplica('pause-me');
    await replica.send('start');
    await replica.send('message', { role: 'user', content: 'order ord_9' });
    expect(wardenOnPrefix('pause', 'pause-me', '--reason', 'looking').code).toBe(0);
    expect(await replica.send('call', { tool: 'get_order', args: { order_id: 'ord_9' } })).toMatchObject({ action: 'pause', codes: ['SESSION_PAUSED'] });
    expect(wardenOnPrefix('resume', 'pause-me').stdout).toContain('paused -> active');
    expect(await replica.send('call', { tool: 'get_order', args: { order_id: 'ord_9' } })).toMatchObject({ action: 'allow' });
    const unknown = wardenOnPrefix('kill', 'no-such-session');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no live session no-such-session');
    const dead = warden('sessions', '--redis', 'redis://127.0.0.1:1');
    expect(dead.code).toBe(1);
    expect(dead.stderr).toContain('did not answer');
    expect(warden('kill', '--redis', REDIS_URL).code).toBe(2);
    await replica.close();
  }, 120_000);

  it('a question put to a human in process B holds process A; a kill from A wins over the approve B gets after it', async () => {
    const policy = { actions: { ENTITY_HALLUCINATION: 'pause' } };
    const a = spawnReplica('asked', { policy, escalate: true });
    const b = spawnReplica('asked', { policy, escalate: true });
    await a.send('start');
    await b.send('start');
    await a.send('message', { role: 'user', content: 'order ord_7 please' });
    const waiting = b.send<{ action: string; proceed: boolean; escalation?: string }>('call', { tool: 'get_order', args: { order_id: 'ord_404' } });
    await eventually(async () => (await b.send<number>('asked')) === 1);
    expect(await a.send('call', { tool: 'get_order', args: { order_id: 'ord_7' } })).toMatchObject({ proceed: false, codes: ['SESSION_PAUSED'] });
    expect(await a.send('kill', { reason: 'operator' })).toBe('killed');
    await redis.untilStatus('asked', 'killed');
    expect(await b.send('answer', { value: 'approve' })).toBe(1);
    // As in one process: the call stays refused, its escalation reports the kill.
    expect(await waiting).toMatchObject({ action: 'pause', proceed: false, escalation: 'killed' });
    expect(await b.send('call', { tool: 'get_order', args: { order_id: 'ord_7' } })).toMatchObject({ action: 'kill', codes: ['SESSION_KILLED'] });
    await Promise.all([a.close(), b.close()]);
  }, 120_000);

  it('a question whose process died stops holding the session after its deadline', async () => {
    const policy = { actions: { ENTITY_HALLUCINATION: 'pause' }, escalationTimeoutMs: 8_000 };
    const doomed = spawnReplica('orphan', { policy, escalate: true, timeoutMs: 500 });
    const survivor = spawnReplica('orphan', { policy });
    await doomed.send('start');
    await survivor.send('start');
    await doomed.send('message', { role: 'user', content: 'order ord_8 please' });
    doomed.send('call', { tool: 'get_order', args: { order_id: 'ord_404' } }).catch(() => undefined);
    await eventually(async () => (await doomed.send<number>('asked')) === 1);
    doomed.kill();
    await doomed.exited;
    // Refused while the question may still be answered; decided normally once it is past its deadline (and the
    // grace its asker had to settle it: twice its store's timeout).
    expect(await survivor.send('call', { tool: 'get_order', args: { order_id: 'ord_8' } })).toMatchObject({ proceed: false, codes: ['SESSION_PAUSED'] });
    const meta = await redis.client.hGetAll(redis.key('orphan', 'meta'));
    const question = JSON.parse(Object.entries(meta).find(([field]) => field.startsWith('escalation:'))![1]) as { until: number };
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, question.until + 1_000 - Date.now()) + 200));
    expect(await survivor.send('call', { tool: 'get_order', args: { order_id: 'ord_8' } })).toMatchObject({ action: 'allow' });
    await survivor.close();
  }, 120_000);

  it("a crashed process's reservation is released when it expires", async () => {
    const policy = { budget: { maxTokens: 50 }, actions: { BUDGET_EXCEEDED: 'block' } };
    const doomed = spawnReplica('crash', { policy, reservationTtlMs: 500 });
    await doomed.send('start');
    expect(await doomed.send('admit', { count: 1, estimate: 50, model: 'm' })).toMatchObject({ admitted: 1 });
    doomed.send('crash').catch(() => undefined);
    expect(await doomed.exited).toBe(3);
    const survivor = spawnReplica('crash', { policy, reservationTtlMs: 500 });
    await survivor.send('start');
    await eventually(async () => (await survivor.send<{ admitted: number }>('admit', { count: 1, estimate: 50, model: 'm' })).admitted === 1, 60_000, 200);
    await survivor.close();
  }, 120_000);
});
