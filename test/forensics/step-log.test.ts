import { describe, expect, it } from 'vitest';
import { StepLog } from '../../src/forensics/step-log.js';

describe('StepLog', () => {
  it("finds each step's type, agent and call by its step, and nothing for a step never logged", () => {
    const log = new StepLog(100);
    log.add(0, 'session.start', undefined);
    log.add(3, 'llm.call', 'planner');
    log.add(4, 'tool.call', 'planner', 'c1', 'get_order');
    log.add(9, 'tool.result', undefined, 'c1', 'get_order');
    expect([0, 3, 4, 9].map((step) => log.typeAt(step))).toEqual(['session.start', 'llm.call', 'tool.call', 'tool.result']);
    expect(log.agentAt(3)).toBe('planner');
    expect(log.agentAt(9)).toBeUndefined();
    expect(log.callAt(4)).toEqual({ callId: 'c1', tool: 'get_order' });
    expect(log.callAt(3)).toBeUndefined();
    for (const step of [-1, 1, 2, 5, 10, 1e9]) expect([log.typeAt(step), log.agentAt(step), log.callAt(step)]).toEqual([undefined, undefined, undefined]);
  });

  it('keeps the earliest steps up to its capacity, and ignores a step not after the last', () => {
    const log = new StepLog(1_000);
    for (let step = 0; step < 5_000; step += 2) log.add(step, step % 4 === 0 ? 'llm.call' : 'message', undefined);
    log.add(10, 'tool.call', undefined, 'late', 'x');
    expect(log.typeAt(1_998)).toBe('message');
    expect(log.typeAt(2_000)).toBeUndefined();
    expect(log.typeAt(10)).toBe('message');
    expect(log.callAt(10)).toBeUndefined();
    for (let step = 0; step < 2_000; step += 2) expect(log.typeAt(step)).toBe(step % 4 === 0 ? 'llm.call' : 'message');
  });
});
