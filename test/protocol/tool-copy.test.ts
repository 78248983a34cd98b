import { describe, expect, it } from 'vitest';
import { copyToolWith } from '../../src/index.js';

/** A class-built tool, as LangChain and some OpenAI Agents tools are: methods and an accessor on the prototype. */
class ClassTool {
  readonly name = 'get_order';
  calls = 0;
  get label(): string {
    return `tool ${this.name}`;
  }
  invoke(input: string): string {
    this.calls += 1;
    return `ran ${input}`;
  }
}

const TAG = Symbol('tag');

describe('copyToolWith: a guarded copy of a framework tool, all else as the original defines it', () => {
  it('replaces what it is given, and leaves the original as it was', () => {
    const original = { name: 'refund', execute: (input: string) => `refunded ${input}` };
    const copy = copyToolWith(original, { execute: (input: string) => `guarded ${input}` });
    expect(copy.execute('ord_1')).toBe('guarded ord_1');
    expect(original.execute('ord_1')).toBe('refunded ord_1');
    expect(copy).not.toBe(original);
    expect(copy.name).toBe('refund');
  });

  it('keeps the prototype: a class-built tool keeps its methods, accessors and instanceof', () => {
    const original = new ClassTool();
    const copy = copyToolWith(original, { invoke: (input: string) => `guarded ${input}` }, { enumerable: false });
    expect(copy).toBeInstanceOf(ClassTool);
    expect(copy.label).toBe('tool get_order');
    expect(copy.invoke('x')).toBe('guarded x');
    // The prototype's method is still there for the guard to call on the original.
    expect(ClassTool.prototype.invoke.call(original, 'x')).toBe('ran x');
  });

  it('keeps own getters as getters, symbols and non-enumerable properties', () => {
    let reads = 0;
    const original = { [TAG]: 'kept', execute: () => 'run' } as { [TAG]: string; execute: () => string; readonly live: number; hidden?: string };
    Object.defineProperty(original, 'live', { get: () => (reads += 1), enumerable: true, configurable: true });
    Object.defineProperty(original, 'hidden', { value: 'secret sauce', enumerable: false, writable: false, configurable: false });
    const copy = copyToolWith(original, { execute: () => 'guarded' });
    expect(reads).toBe(0);
    expect(copy.live).toBe(1);
    expect(copy.live).toBe(2);
    expect(copy[TAG]).toBe('kept');
    expect(Object.getOwnPropertyDescriptor(copy, 'hidden')).toEqual({ value: 'secret sauce', enumerable: false, writable: false, configurable: false });
  });

  it('a replaced own property keeps its attributes; one the original lacks is defined as asked', () => {
    const original = { execute: () => 'run' };
    Object.defineProperty(original, 'execute', { enumerable: false });
    const copy = copyToolWith(original, { execute: () => 'guarded', toModelOutput: () => 'out' });
    expect(Object.getOwnPropertyDescriptor(copy, 'execute')).toMatchObject({ enumerable: false, writable: true, configurable: true });
    expect(Object.getOwnPropertyDescriptor(copy, 'toModelOutput')).toMatchObject({ enumerable: true, writable: true, configurable: true });
    const hidden = copyToolWith(new ClassTool(), { invoke: () => 'guarded' }, { enumerable: false });
    expect(Object.getOwnPropertyDescriptor(hidden, 'invoke')).toMatchObject({ enumerable: false, writable: true, configurable: true });
    expect(Object.keys(hidden)).toEqual(['name', 'calls']);
  });

  it('a frozen tool gives a frozen copy, and an unfrozen one an unfrozen copy', () => {
    const frozen = Object.freeze({ name: 'refund', execute: () => 'run' });
    const copy = copyToolWith(frozen, { execute: () => 'guarded' });
    expect(Object.isFrozen(copy)).toBe(true);
    expect(copy.execute()).toBe('guarded');
    expect(Object.isFrozen(copyToolWith({ execute: () => 'run' }, { execute: () => 'guarded' }))).toBe(false);
  });
});
