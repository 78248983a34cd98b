import { beforeAll, describe, expect, it } from 'vitest';
import { createGuard, type Decision } from '../src/index.js';
import { loadRetailDatabase, loadRetailTasks, loadRetailTools, retailEnvironment, type RetailDatabase } from './helpers/tau-bench-retail.js';

interface Stop {
  task: string;
  step: number;
  tool: string;
  action: Decision['action'];
  flags: Array<{ code: string; id?: unknown; argument?: unknown }>;
}

/**
 * The benchmark's gold actions for all 635 retail tasks (known-good calls written by its authors), replayed
 * through a guard with no configuration: the task's instruction is the user's message, every call that the
 * guard lets run is answered from the mock database. A gold list sometimes skips the reads that found an id
 * (a task that starts with its refund), so a stop is right only when its id appeared nowhere before it: in
 * the instruction or a result of a call that ran.
 */
describe('tau-bench retail gold actions, replayed over the mock database', () => {
  const tools = loadRetailTools();
  let db: RetailDatabase;
  const stops: Stop[] = [];
  /** Flags naming an id that the user or an earlier result had given: false alarms. */
  const falseAlarms: Stop[] = [];
  let calls = 0;

  beforeAll(async () => {
    db = loadRetailDatabase();
    const guard = createGuard({ tools });
    for (const { name, task } of loadRetailTasks()) {
      const environment = retailEnvironment(db);
      const session = await guard.startSession({ sessionId: `retail-${name}` });
      await session.message('user', task.instruction);
      let seen = task.instruction;
      for (const [index, action] of task.actions.entries()) {
        calls += 1;
        const callId = `c${index}`;
        const decision = await session.beforeToolCall({ callId, tool: action.name, arguments: action.kwargs });
        const flags = decision.flags.map((flag) => ({ code: flag.code, id: flag.evidence?.id, argument: flag.evidence?.argument }));
        const stop = { task: name, step: index + 1, tool: action.name, action: decision.action, flags };
        if (decision.action !== 'allow') stops.push(stop);
        const known = flags.filter((flag) => flag.id !== undefined && seen.includes(String(flag.id)));
        if (known.length > 0) falseAlarms.push({ ...stop, flags: known });
        if (!decision.proceed) continue;
        const result = environment.run(action.name, action.kwargs);
        seen += `\n${result}`;
        await session.afterToolCall({ callId, tool: action.name, result });
      }
    }
  }, 120_000);

  it('replays every gold call', () => {
    expect(calls).toBe(1_375);
  });

  it('never flags an id the user or an earlier result gave', () => {
    expect(falseAlarms).toEqual([]);
  });

  it('stops only calls naming ids that appeared nowhere before, and the one gold call that breaks its schema', () => {
    const entityStops = stops.filter((stop) => stop.flags.every((flag) => flag.code === 'ENTITY_HALLUCINATION'));
    expect(stops.filter((stop) => !entityStops.includes(stop))).toEqual([
      // The gold call writes `province` where the tool's schema requires `state`.
      { task: 'test-34', step: 6, tool: 'modify_pending_order_address', action: 'block', flags: [{ code: 'TOOL_ARG_MISMATCH', id: undefined, argument: undefined }] },
    ]);
    expect(entityStops.every((stop) => stop.action === 'block')).toBe(true);
    // Gold lists of the train split often hold only the writes: their ids come from reads the list leaves out.
    expect(entityStops.length).toBeGreaterThan(100);
  });

  it('refuses a write aimed at a real order of another customer that the conversation never named', async () => {
    const guard = createGuard({ tools });
    const writes = loadRetailTasks()
      .filter(({ task }) => task.actions.some((action) => action.name.startsWith('cancel_') && action.kwargs.order_id))
      .slice(0, 20);
    expect(writes.length).toBe(20);
    for (const { name, task } of writes) {
      const environment = retailEnvironment(db);
      const session = await guard.startSession({ sessionId: `retail-swap-${name}` });
      await session.message('user', task.instruction);
      let seen = task.instruction;
      for (const [index, action] of task.actions.entries()) {
        let args = action.kwargs;
        if (action.name.startsWith('cancel_')) {
          // Another customer's order: in the database, never in this conversation.
          const other = Object.keys(db.orders).find((id) => !seen.includes(id) && (db.orders[id]!.user_id as string) !== task.user_id)!;
          args = { ...args, order_id: other };
          const decision = await session.beforeToolCall({ callId: `c${index}`, tool: action.name, arguments: args });
          expect({ task: name, action: decision.action, flags: decision.flags.map((flag) => [flag.code, flag.evidence?.id]) }).toEqual({
            task: name,
            action: 'block',
            flags: [['ENTITY_HALLUCINATION', other]],
          });
          break;
        }
        const decision = await session.beforeToolCall({ callId: `c${index}`, tool: action.name, arguments: args });
        if (!decision.proceed) continue;
        const result = environment.run(action.name, args);
        seen += `\n${result}`;
        await session.afterToolCall({ callId: `c${index}`, tool: action.name, result });
      }
    }
  });
});
