/**
 * What is checked is what runs: a tool call's arguments are copied once, in one iterative pass,
 * into plain, deep-frozen data before any check reads them. Getters and Proxies are read exactly
 * once (a getter cannot show the guard one id and the tool another), and the structure is bounded
 * on the way (values, depth, characters) so nothing downstream walks a million-element array.
 */
import type { LimitsPolicy } from '../policy/policy.js';
import { setDataProperty } from '../text/data-property.js';

/** Why a tool call's arguments cannot be used. */
export interface ArgumentProblem {
  reason: 'unparseable' | 'not_an_object' | 'too_large' | 'too_deep' | 'forbidden_key' | 'too_many_values' | 'unreadable';
  detail: string;
}

export interface ArgumentSnapshot {
  /** The arguments as parsed and frozen: what the checks see and what the tool must be given. */
  value?: unknown;
  /** What to record: the frozen copy, or the text as given when the arguments came as JSON text. */
  recorded?: unknown;
  problem?: ArgumentProblem;
}

type Limits = Pick<LimitsPolicy, 'maxArgumentBytes' | 'maxDepth' | 'maxArgumentNodes'>;

class SnapshotProblem extends Error {
  constructor(readonly problem: ArgumentProblem) {
    super(problem.detail);
  }
}

/**
 * Copies `input` into frozen plain data (JSON semantics: functions and symbols dropped, `toJSON`
 * honoured), or names the limit it breaks. Never throws: a getter or Proxy trap that throws is a problem.
 */
export function snapshotValue(input: unknown, limits: Limits): { value?: unknown; problem?: ArgumentProblem } {
  let nodes = 0;
  let chars = 0;
  const count = (length: number) => {
    nodes += 1;
    chars += length;
    if (nodes > limits.maxArgumentNodes) {
      throw new SnapshotProblem({ reason: 'too_many_values', detail: `arguments hold more than ${limits.maxArgumentNodes} values (limits.maxArgumentNodes)` });
    }
    if (chars > limits.maxArgumentBytes) {
      throw new SnapshotProblem({ reason: 'too_large', detail: `arguments exceed ${limits.maxArgumentBytes} bytes (limits.maxArgumentBytes)` });
    }
  };
  const root: { value?: unknown } = {};
  const stack: Array<{ node: unknown; parent: Record<string, unknown> | unknown[]; key: string | number; depth: number }> = [{ node: input, parent: root as Record<string, unknown>, key: 'value', depth: 0 }];
  const containers: object[] = [];
  try {
    while (stack.length > 0) {
      const frame = stack.pop()!;
      let node = frame.node;
      if (node !== null && typeof node === 'object' && typeof (node as { toJSON?: unknown }).toJSON === 'function') {
        node = (node as { toJSON(key: string): unknown }).toJSON(String(frame.key));
      }
      if (typeof node === 'string') {
        count(node.length);
        setDataProperty(frame.parent, frame.key, node);
        continue;
      }
      if (typeof node === 'number' || typeof node === 'boolean' || node === null) {
        count(8);
        setDataProperty(frame.parent, frame.key, node);
        continue;
      }
      if (typeof node === 'bigint') {
        count(node.toString().length);
        setDataProperty(frame.parent, frame.key, node.toString());
        continue;
      }
      if (typeof node !== 'object') {
        // undefined, functions, symbols: JSON drops them from objects and writes null in arrays.
        if (Array.isArray(frame.parent)) setDataProperty(frame.parent, frame.key, null);
        continue;
      }
      if (frame.depth >= limits.maxDepth) {
        throw new SnapshotProblem({ reason: 'too_deep', detail: `arguments nest deeper than ${limits.maxDepth} levels (limits.maxDepth)` });
      }
      count(0);
      if (Array.isArray(node)) {
        const length = node.length;
        if (!Number.isSafeInteger(length) || length < 0 || length > limits.maxArgumentNodes) {
          throw new SnapshotProblem({ reason: 'too_many_values', detail: `an array of ${length} items exceeds ${limits.maxArgumentNodes} values (limits.maxArgumentNodes)` });
        }
        const copy: unknown[] = new Array(length).fill(null);
        setDataProperty(frame.parent, frame.key, copy);
        containers.push(copy);
        for (let index = length - 1; index >= 0; index -= 1) stack.push({ node: node[index], parent: copy, key: index, depth: frame.depth + 1 });
        continue;
      }
      // A typed array (JSON writes it as an object keyed by index): its length told first, never 5 million keys listed.
      const length = ArrayBuffer.isView(node) ? (node as { length?: unknown }).length : undefined;
      if (typeof length === 'number' && length > limits.maxArgumentNodes) {
        throw new SnapshotProblem({ reason: 'too_many_values', detail: `a typed array of ${length} items exceeds ${limits.maxArgumentNodes} values (limits.maxArgumentNodes)` });
      }
      const copy: Record<string, unknown> = {};
      setDataProperty(frame.parent, frame.key, copy);
      containers.push(copy);
      const keys = Object.keys(node);
      if (keys.length > limits.maxArgumentNodes) {
        throw new SnapshotProblem({ reason: 'too_many_values', detail: `an object with ${keys.length} keys exceeds ${limits.maxArgumentNodes} values (limits.maxArgumentNodes)` });
      }
      for (let index = keys.length - 1; index >= 0; index -= 1) {
        const key = keys[index]!;
        chars += key.length;
        stack.push({ node: (node as Record<string, unknown>)[key], parent: copy, key, depth: frame.depth + 1 });
      }
    }
  } catch (error) {
    if (error instanceof SnapshotProblem) return { problem: error.problem };
    return { problem: { reason: 'unreadable', detail: `arguments could not be read (${(error as Error)?.message ?? String(error)})` } };
  }
  // Frozen only once complete: object keys of `copy` were assigned as the walk went.
  for (const container of containers) Object.freeze(container);
  return { value: root.value };
}

/**
 * The snapshot of a tool call's arguments: JSON text is bounded by size, parsed, then copied like an
 * object (so a 1 MB text of a 500,000-item array is refused by count before any check walks it).
 */
export function snapshotArguments(input: unknown, limits: Limits): ArgumentSnapshot {
  if (typeof input === 'string') {
    if (input.length > limits.maxArgumentBytes) {
      return { problem: { reason: 'too_large', detail: `arguments are ${input.length} bytes, over the limit of ${limits.maxArgumentBytes} (limits.maxArgumentBytes)` } };
    }
    if (input.trim() === '') return { value: Object.freeze({}), recorded: input };
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch {
      // Unparseable text is recorded as it is; the schema check names the problem.
      return { recorded: input };
    }
    const shot = snapshotValue(parsed, limits);
    return shot.problem ? { problem: shot.problem } : { value: shot.value, recorded: input };
  }
  const shot = snapshotValue(input, limits);
  return shot.problem ? { problem: shot.problem } : { value: shot.value, recorded: shot.value };
}
