import { ACTIONS, type TraceEvent } from './events.js';

/** A field's rule: a test and what it expects, for the message when a value fails it. */
interface FieldRule {
  test(value: unknown): boolean;
  expected: string;
}

const rule = (expected: string, test: (value: unknown) => boolean): FieldRule => ({ expected, test });
const isObjectValue = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);

const string = rule('a string', (value) => typeof value === 'string');
const object = rule('an object', isObjectValue);
// Safe integers only: past 2^53-1 a step or a count is no longer the number written (9007199254740993 reads as
// ...992, 1e400 as Infinity), so two steps could compare equal or a sum never change.
const count = rule('an integer from 0 to 2^53-1', (value) => Number.isSafeInteger(value) && (value as number) >= 0);
const array = rule('an array', Array.isArray);
const boolean = rule('true or false', (value) => typeof value === 'boolean');
const any = rule('any JSON value', (value) => value !== undefined);
const args = rule('an object or a string', (value) => typeof value === 'string' || isObjectValue(value));
const stringArray = rule('an array of strings', (value) => Array.isArray(value) && value.every((item) => typeof item === 'string'));
const oneOf = (...allowed: string[]) => rule(`one of ${allowed.map((value) => `"${value}"`).join(', ')}`, (value) => typeof value === 'string' && allowed.includes(value));
const tools = rule('an array of tool objects, each with a string name', (value) => Array.isArray(value) && value.every((tool) => isObjectValue(tool) && typeof (tool as Record<string, unknown>).name === 'string'));

/** Required fields per event type (docs/trace-format.md); optional fields are checked when present. */
const SHAPE_FIELDS: Record<string, { required: Record<string, FieldRule>; optional?: Record<string, FieldRule> }> = {
  'session.start': { required: {}, optional: { session_type: string, goal: string, entities: object, metadata: object } },
  'tool.definitions': { required: { tools } },
  message: { required: { role: oneOf('system', 'user', 'assistant'), content: string } },
  'llm.call': {
    required: { model: string, output: object },
    optional: { input_tokens: count, output_tokens: count, finish_reasons: stringArray },
  },
  'tool.call': { required: { call_id: string, tool: string, arguments: args } },
  'tool.result': { required: { call_id: string, tool: string, result: any }, optional: { is_error: boolean } },
  'subagent.output': { required: { content: any }, optional: { call_id: string } },
  'context.add': { required: { source: string, content: any } },
  'goal.update': { required: { goal: string, source: string } },
  'guard.decision': { required: { target_step: count, action: oneOf(...ACTIONS), flags: array } },
  'session.end': { required: { status: oneOf('completed', 'paused', 'killed', 'error') } },
};

/**
 * The same, as lists of fields, by type: every line of a trace is checked against one. A Map, so a
 * line's `type` is never looked up on an object's prototype (`constructor`, `__proto__`).
 */
const SHAPES = new Map<string, { required: Array<[string, FieldRule]>; optional: Array<[string, FieldRule]> }>(
  Object.entries(SHAPE_FIELDS).map(([type, { required, optional }]) => [type, { required: Object.entries(required), optional: Object.entries(optional ?? {}) }]),
);

/** The JSON type of a value, as a message names it: `a string`, `null`, `a number (-1)`. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value.length <= 20 && !/[\u0000-\u001f\u007f-\u009f]/.test(value) ? `the string "${value}"` : 'a string';
    case 'number':
      return Number.isFinite(value) ? `the number ${value}` : 'a number too large to hold (it reads as Infinity)';
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

function fieldProblem(type: string, field: string, value: unknown, check: FieldRule): string | undefined {
  if (check.test(value)) return undefined;
  if (value === undefined) return `${type}: missing ${field} (${check.expected})`;
  return `${type}: ${field} must be ${check.expected}, got ${describeValue(value)}`;
}

/** Why a parsed line is not a valid trace event, or `undefined` when it is. Unknown types pass (forward compatible). */
export function eventProblem(value: unknown): string | undefined {
  if (!isObjectValue(value)) return `not a JSON object (got ${describeValue(value)})`;
  const event = value as Record<string, unknown>;
  if (event.session_id === undefined) return 'missing session_id';
  if (typeof event.session_id !== 'string' || event.session_id === '') return `session_id must be a non-empty string, got ${describeValue(event.session_id)}`;
  if (event.step === undefined) return 'missing step';
  if (!count.test(event.step)) return `step must be ${count.expected}, got ${describeValue(event.step)}`;
  if (event.type === undefined) return 'missing type';
  if (typeof event.type !== 'string') return `type must be a string, got ${describeValue(event.type)}`;
  const shape = SHAPES.get(event.type);
  if (!shape) return undefined;
  for (const [field, check] of shape.required) {
    const problem = fieldProblem(event.type, field, event[field], check);
    if (problem) return problem;
  }
  for (const [field, check] of shape.optional) {
    if (event[field] === undefined) continue;
    const problem = fieldProblem(event.type, field, event[field], check);
    if (problem) return problem;
  }
  return undefined;
}

export function isKnownEvent(event: { type: string }): event is TraceEvent {
  return SHAPES.has(event.type);
}
