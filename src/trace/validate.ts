import { ACTIONS, type TraceEvent } from './events.js';

type FieldCheck = (value: unknown) => boolean;

const isString: FieldCheck = (value) => typeof value === 'string';
const isObject: FieldCheck = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const isInteger: FieldCheck = (value) => Number.isInteger(value) && (value as number) >= 0;
const isArray: FieldCheck = Array.isArray;
const isPresent: FieldCheck = (value) => value !== undefined;
const isArgs: FieldCheck = (value) => isString(value) || isObject(value);
const oneOf = (...allowed: string[]): FieldCheck => (value) => typeof value === 'string' && allowed.includes(value);
const isStringArray: FieldCheck = (value) => Array.isArray(value) && value.every(isString);

/** Required fields per event type (session trace v1); optional fields are checked when present. */
const SHAPES: Record<string, { required: Record<string, FieldCheck>; optional?: Record<string, FieldCheck> }> = {
  'session.start': { required: {}, optional: { session_type: isString, goal: isString, entities: isObject, metadata: isObject } },
  'tool.definitions': { required: { tools: (value) => isArray(value) && (value as unknown[]).every((tool) => isObject(tool) && isString((tool as Record<string, unknown>).name)) } },
  message: { required: { role: oneOf('system', 'user', 'assistant'), content: isString } },
  'llm.call': {
    required: { model: isString, output: isObject },
    optional: { input_tokens: isInteger, output_tokens: isInteger, finish_reasons: isStringArray },
  },
  'tool.call': { required: { call_id: isString, tool: isString, arguments: isArgs } },
  'tool.result': { required: { call_id: isString, tool: isString, result: isPresent }, optional: { is_error: (value) => typeof value === 'boolean' } },
  'subagent.output': { required: { content: isPresent }, optional: { call_id: isString } },
  'context.add': { required: { source: isString, content: isPresent } },
  'goal.update': { required: { goal: isString, source: isString } },
  'guard.decision': { required: { target_step: isInteger, action: oneOf(...ACTIONS), flags: isArray } },
  'session.end': { required: { status: oneOf('completed', 'paused', 'killed', 'error') } },
};

/** Why a parsed line is not a valid trace event, or `undefined` when it is. Unknown types pass (forward compatible). */
export function eventProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  const event = value as Record<string, unknown>;
  if (!isString(event.session_id) || event.session_id === '') return 'missing or empty session_id';
  if (!isInteger(event.step)) return 'step must be an integer >= 0';
  if (!isString(event.type)) return 'missing type';
  const shape = SHAPES[event.type as string];
  if (!shape) return undefined;
  for (const [field, check] of Object.entries(shape.required)) {
    if (!check(event[field])) return `${event.type} needs a valid ${field}`;
  }
  for (const [field, check] of Object.entries(shape.optional ?? {})) {
    if (event[field] !== undefined && !check(event[field])) return `${event.type} has an invalid ${field}`;
  }
  return undefined;
}

export function isKnownEvent(event: { type: string }): event is TraceEvent {
  return event.type in SHAPES;
}
