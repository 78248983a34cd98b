/**
 * What JSON.stringify makes of content whose `toJSON` (own or inherited: a Date, a Decimal, an ObjectId, a
 * class instance) shows something else than its own properties: what a framework hands the model, so what the
 * checks must read and the sinks record. Built only for content where the scan met a `toJSON` (plain data is
 * read as it is, never copied), in one iterative pass, in slices, within the scan's bounds.
 */
import { setDataProperty } from './data-property.js';
import type { SlicedWork } from './in-slices.js';

/**
 * Levels the form may nest: a `toJSON` that answers with a new object holding itself (`{ next: this }`) nests
 * without end and without a cycle. JSON.stringify itself gives up (a stack overflow) some thousands deep.
 */
export const MAX_FORM_DEPTH = 1_024;
/** Values built between two looks at the clock. */
const BATCH = 256;

/**
 * Whether `Object.prototype` or `Array.prototype` has a `toJSON` (a polluted process): then every plain object
 * has one. Asked once per walk, not per object (a load from a prototype costs more than the check it spares).
 */
export function prototypesHaveToJSON(): boolean {
  return typeof (Object.prototype as { toJSON?: unknown }).toJSON === 'function' || typeof (Array.prototype as { toJSON?: unknown }).toJSON === 'function';
}

/**
 * Whether JSON.stringify would call a `toJSON` of the object `value`. A plain object or array has one only as its
 * own property: told by its prototype and `Object.hasOwn`, which cost a few nanoseconds on any object, where reading
 * `value.toJSON` from objects of ever new shapes (records keyed by id) costs about a hundred (a miss of the
 * property cache every time). Anything else (a class instance, a Date, an object without prototype) is asked.
 * A getter or Proxy trap that throws, throws.
 */
export function hasToJSON(value: object, prototypesHave: boolean): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  if ((prototype === Object.prototype || prototype === Array.prototype) && !prototypesHave && !Object.hasOwn(value, 'toJSON')) return false;
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/** The JSON form of a value, or why it has none (`problem`, worded as `ContentScan.problem`). */
export type JsonForm = { value: unknown; problem?: undefined } | { value?: undefined; problem: string };

/** One value still to write: where it goes (`holder[key]`), the key `toJSON` is called with, and its depth. */
interface Frame {
  value: unknown;
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  depth: number;
  /** Set on the frame that closes a container: it leaves the path (a later sibling may hold it again, as JSON allows). */
  closes?: object;
}

class FormProblem extends Error {}

/**
 * Builds the JSON form of `input` as JSON.stringify would write it: `toJSON(key)` called once per place a value
 * is written, with its property key (`''` for the whole), and its answer written in turn; `undefined`, functions
 * and symbols left out of objects and written as null in arrays; numbers that are not finite written as null;
 * a BigInt as its digits (as a call's arguments are). Bytes (a Buffer, a typed array) are kept as they are:
 * the scan reads them as one value. A `toJSON` or getter that throws, a cycle, more than `maxValues` values or
 * more than MAX_FORM_DEPTH levels is a problem, never an exception. Nothing at the top (a `toJSON` answering
 * undefined) is written as null.
 */
export class JsonFormBuilder implements SlicedWork<JsonForm> {
  private readonly root: { value?: unknown } = {};
  private readonly stack: Frame[];
  /** Containers on the path being written: one met again inside itself is a cycle. */
  private readonly open = new Set<object>();
  private values = 0;
  private problem: string | undefined;

  constructor(
    input: unknown,
    private readonly maxValues: number,
  ) {
    this.stack = [{ value: input, holder: this.root as Record<string, unknown>, key: 'value', depth: 0 }];
  }

  run(deadline: number): boolean {
    try {
      for (let batch = 0; this.stack.length > 0; batch += 1) {
        if (batch === BATCH) {
          if (deadline !== Infinity && performance.now() > deadline) return false;
          batch = 0;
        }
        this.write(this.stack.pop()!);
      }
    } catch (error) {
      this.problem = error instanceof FormProblem ? error.message : `a value could not be read (${(error as Error)?.message ?? String(error)})`;
      this.stack.length = 0;
      this.open.clear();
    }
    return true;
  }

  result(): JsonForm {
    if (this.problem !== undefined) return { problem: this.problem };
    return { value: 'value' in this.root ? this.root.value : null };
  }

  private write(frame: Frame): void {
    if (frame.closes !== undefined) {
      this.open.delete(frame.closes);
      return;
    }
    if (++this.values > this.maxValues) throw new FormProblem(`its JSON form (toJSON) holds more than ${this.maxValues} values`);
    let value = frame.value;
    const holder = frame.holder;
    if ((typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) || typeof value === 'function' || typeof value === 'bigint') {
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') {
        try {
          value = (toJSON as (key: string) => unknown).call(value, frame.depth === 0 ? '' : String(frame.key));
        } catch (error) {
          throw new FormProblem(`its toJSON threw (${(error as Error)?.message ?? String(error)})`);
        }
      }
    }
    switch (typeof value) {
      case 'string':
      case 'boolean':
        setDataProperty(holder, frame.key, value);
        return;
      case 'number':
        setDataProperty(holder, frame.key, Number.isFinite(value) ? value : null);
        return;
      case 'bigint':
        setDataProperty(holder, frame.key, value.toString());
        return;
      case 'object':
        break;
      default:
        // undefined, a function, a symbol: JSON leaves them out of objects and writes null in arrays.
        if (Array.isArray(holder)) holder[frame.key as number] = null;
        return;
    }
    if (value === null || ArrayBuffer.isView(value)) {
      setDataProperty(holder, frame.key, value);
      return;
    }
    if (frame.depth >= MAX_FORM_DEPTH) throw new FormProblem(`its JSON form (toJSON) nests deeper than ${MAX_FORM_DEPTH} levels`);
    if (this.open.has(value)) throw new FormProblem(`its JSON form (toJSON) holds itself (a reference cycle, met at depth ${frame.depth})`);
    const depth = frame.depth + 1;
    if (Array.isArray(value)) {
      const length = value.length;
      // Told by its length before anything is allocated: a sparse new Array(2 ** 32 - 1) would be filled item by item.
      if (length > this.maxValues - this.values) throw new FormProblem(`its JSON form (toJSON) holds an array of ${length} items, more than ${this.maxValues} values`);
      const copy: unknown[] = new Array<unknown>(length).fill(null);
      setDataProperty(holder, frame.key, copy);
      this.open.add(value);
      this.stack.push({ value: undefined, holder, key: '', depth, closes: value });
      for (let index = length - 1; index >= 0; index -= 1) this.stack.push({ value: value[index], holder: copy, key: index, depth });
      return;
    }
    const keys = Object.keys(value);
    if (keys.length > this.maxValues - this.values) throw new FormProblem(`its JSON form (toJSON) holds an object of ${keys.length} keys, more than ${this.maxValues} values`);
    const copy: Record<string, unknown> = {};
    setDataProperty(holder, frame.key, copy);
    this.open.add(value);
    this.stack.push({ value: undefined, holder, key: '', depth, closes: value });
    // Pushed last to first, so members are written (and their toJSON called) in their order, as JSON.stringify does.
    for (let index = keys.length - 1; index >= 0; index -= 1) {
      const member = keys[index]!;
      this.stack.push({ value: (value as Record<string, unknown>)[member], holder: copy, key: member, depth });
    }
  }
}
