import type { SlicedWork } from '../text/in-slices.js';

/** A container being written: where the writer is in it, and whether a member was written yet. */
interface Open {
  value: Record<string, unknown> | unknown[];
  keys: string[] | undefined;
  index: number;
  wrote: boolean;
}

/** Members written between two looks at the clock: each is at most a small container, written natively. */
const MEMBERS_PER_LOOK = 16;
/** Small items of a large array written by one call of JSON.stringify. */
const ITEMS_PER_CALL = 64;

/**
 * `JSON.stringify(value)`, a slice at a time, in parts: the containers in `large` are written member by member, with
 * a look at the clock between members, and every other value by `JSON.stringify` itself, whole. So a record
 * of ten million values is written without holding the event loop for its 30-40 ms, and what is written is
 * what `JSON.stringify` writes (its rules for undefined, functions, symbols, holes, numbers, `toJSON` and
 * BigInt apply to every value it writes). `large` must hold only plain objects and arrays (a redacted copy's
 * own containers: `Redaction.large`), whose own enumerable keys are what JSON writes of them.
 */
export class JsonLine implements SlicedWork<string[]> {
  private readonly parts: string[] = [];
  private readonly stack: Open[] = [];

  constructor(
    value: unknown,
    private readonly large: ReadonlySet<object>,
  ) {
    if (this.opens(value)) return;
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError('the value has no JSON form');
    this.parts.push(text);
  }

  run(deadline: number): boolean {
    const stack = this.stack;
    let count = 0;
    while (stack.length > 0) {
      const open = stack[stack.length - 1]!;
      if (open.keys === undefined) {
        const array = open.value as unknown[];
        if (open.index >= array.length) {
          stack.pop();
          this.parts.push(']');
          continue;
        }
        const item = array[open.index];
        if (open.index > 0) this.parts.push(',');
        if (this.opens(item)) {
          open.index += 1;
        } else {
          // A run of small items in one native call (one per item cost twice as much): the run's text without its brackets.
          let end = open.index + 1;
          while (end < array.length && end - open.index < ITEMS_PER_CALL && !this.large.has(array[end] as object)) end += 1;
          const run = JSON.stringify(end === open.index + 1 ? [item] : array.slice(open.index, end));
          this.parts.push(run.slice(1, -1));
          open.index = end;
          count = MEMBERS_PER_LOOK - 1;
        }
      } else {
        if (open.index >= open.keys.length) {
          stack.pop();
          this.parts.push('}');
          continue;
        }
        const key = open.keys[open.index++]!;
        const member = (open.value as Record<string, unknown>)[key];
        const name = `${open.wrote ? ',' : ''}${JSON.stringify(key)}:`;
        if (this.large.has(member as object)) {
          this.parts.push(name);
          open.wrote = true;
          this.opens(member);
        } else {
          const text = JSON.stringify(member);
          if (text !== undefined) {
            this.parts.push(name + text);
            open.wrote = true;
          }
        }
      }
      if (++count % MEMBERS_PER_LOOK === 0 && performance.now() > deadline) return false;
    }
    return true;
  }

  /** The text, in the parts it was written in (joined, the JSON text; each part whole JSON tokens, no character cut). */
  result(): string[] {
    return this.parts;
  }

  /** Opens `value` when it is one of the large containers (its bracket written); false for any other value. */
  private opens(value: unknown): boolean {
    if (value === null || typeof value !== 'object' || !this.large.has(value)) return false;
    const array = Array.isArray(value);
    this.parts.push(array ? '[' : '{');
    this.stack.push({ value: value as Record<string, unknown>, keys: array ? undefined : Object.keys(value), index: 0, wrote: false });
    return true;
  }
}
