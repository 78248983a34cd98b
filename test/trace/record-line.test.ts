import { describe, expect, it } from 'vitest';
import { createRedactor, redactorOf } from '../../src/trace/redact.js';
import { recordLine } from '../../src/trace/record-line.js';
import { JsonLine } from '../../src/trace/json-line.js';

/** Runs sliced work with a deadline always past: it stops at every look at the clock, so every resumption is exercised. */
function finishInTinySlices<T>(work: { run(deadline: number): boolean; result(): T }): { value: T; slices: number } {
  let slices = 1;
  while (!work.run(0)) slices += 1;
  return { value: work.result(), slices };
}

class Money {
  constructor(readonly cents: number) {}
  toJSON() {
    return `${this.cents / 100} EUR`;
  }
}

/** Events of every shape the recorder meets: records, secrets in values and keys, class instances, holes, cycles, depth. */
function events(): Array<Record<string, unknown>> {
  const secretKey = `sk-proj-${'aB3dE5fG7h'.repeat(3)}`;
  const records = Array.from({ length: 3_000 }, (_, index) => ({
    order_id: `ord_${index}`,
    status: index % 2 ? 'shipped' : 'pending',
    total: index % 7 === 0 ? Number.NaN : index + 0.25,
    note: index % 500 === 0 ? `see https://x.example/?token=abc${index}def and Bearer ${'x'.repeat(20)}` : `left at the door ${index}`,
    ...(index % 999 === 0 ? { [secretKey]: 'key as a name', when: new Date(Date.UTC(2026, 10, index % 28)), price: new Money(index) } : {}),
    ...(index % 1_001 === 0 ? { skipped: undefined, fn: () => 1, '2': 'integer-like key', __proto__: 'own proto field' } : {}),
  }));
  const wide: Record<string, unknown> = {};
  for (let index = 0; index < 2_500; index += 1) wide[`field_${index}`] = index % 3 ? `v${index}` : { nested: [index, `password=${index}secret`] };
  const holes = new Array<unknown>(3_000);
  for (let index = 0; index < 3_000; index += 3) holes[index] = `h${index}`;
  const cyclic: Record<string, unknown> = { name: 'loop', items: [1, 2] };
  cyclic.self = cyclic;
  (cyclic.items as unknown[]).push(cyclic);
  let deep: unknown = 'bottom';
  for (let level = 0; level < 80; level += 1) deep = { level, child: deep };
  const lone = `broken \uD800 surrogate`;
  return [
    { type: 'tool.result', session_id: 's', step: 3, ts: '2026-11-28T00:00:00.000Z', call_id: 'c', tool: 'export', result: records },
    { type: 'tool.result', session_id: 's', step: 4, call_id: 'c', tool: 'export', result: { wide, holes } },
    { type: 'tool.result', session_id: 's', step: 5, call_id: 'c', tool: 'export', result: { cyclic, deep, lone, [lone]: 1, long: 'y'.repeat(200_000) } },
    { type: 'tool.call', session_id: 's', step: 6, call_id: 'c', tool: 'search', arguments: { headers: { Authorization: 'Bearer abcdefghijklmnop' }, list: [[[['x']]]] } },
    { type: 'message', session_id: 's', step: 7, role: 'user', content: 'plain words only', finish_reasons: ['stop'] },
  ];
}

describe('recordLine: the JSON line of an event, a slice at a time', () => {
  it('writes exactly what JSON.stringify writes of the redacted copy, resumed at every look at the clock', () => {
    const copy = createRedactor();
    const redactor = redactorOf();
    for (const event of events()) {
      const { value, slices } = finishInTinySlices(recordLine(event, redactor));
      expect(value.join('')).toBe(`${JSON.stringify(copy(event))}\n`);
      // The shapes above are large enough that the work really was resumed.
      if (event.step === 3 || event.step === 4) expect(slices).toBeGreaterThan(10);
    }
  });

  it('the same with a mask function and other limits', () => {
    const options = { maxStringLength: 50, maxDepth: 5, mask: (value: string) => value.replace(/ord_(\d)/g, 'ORD-$1') };
    const copy = createRedactor(options);
    const redactor = redactorOf(options);
    for (const event of events()) expect(finishInTinySlices(recordLine(event, redactor)).value.join('')).toBe(`${JSON.stringify(copy(event))}\n`);
  });

  it('shares nothing it changed with the event, and leaves the event as it was', () => {
    const [records] = events();
    const before = JSON.stringify(records);
    const { value } = finishInTinySlices(redactorOf().work(records));
    const result = (value as { result: Array<Record<string, unknown>> }).result;
    expect(JSON.stringify(records)).toBe(before);
    // A record with a secret in it is a copy; one with none may be the event's own.
    expect(result[500]).not.toBe((records!.result as unknown[])[500]);
    expect(result[1]).toBe((records!.result as unknown[])[1]);
    expect(result[500]!.note).not.toContain('abc500def');
    expect(((records!.result as Array<Record<string, unknown>>)[500]!.note as string)).toContain('abc500def');
  });

  it('without redaction the line is JSON.stringify of the event itself', () => {
    const event = { type: 'message', session_id: 's', step: 1, content: 'Bearer abcdefghijklmnop', when: new Money(150) };
    expect(finishInTinySlices(recordLine(event, undefined)).value.join('')).toBe(`${JSON.stringify(event)}\n`);
  });
});

describe('JsonLine', () => {
  it('writes large plain containers member by member as JSON.stringify would, holes, undefined and functions included', () => {
    const array: unknown[] = Array.from({ length: 5_000 }, (_, index) => (index % 4 === 0 ? undefined : index % 4 === 1 ? () => index : index % 4 === 2 ? { index } : `s${index}`));
    delete array[7];
    const object: Record<string, unknown> = { skipped: undefined, fn: () => 1, array, '10': 'ten', '9': 'nine', name: 'x' };
    const value = { object, after: [1, 2, 3] };
    const line = finishInTinySlices(new JsonLine(value, new Set<object>([value, object, array])));
    expect(line.value.join('')).toBe(JSON.stringify(value));
    expect(line.slices).toBeGreaterThan(5);
  });

  it('a BigInt fails the line as JSON.stringify fails', () => {
    const value = { items: Array.from({ length: 100 }, (_, index) => (index === 60 ? 10n : index)) };
    const line = new JsonLine(value, new Set<object>([value, value.items]));
    expect(() => finishInTinySlices(line)).toThrow(TypeError);
  });
});
