import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AnomalyCode } from '../../src/codes.js';
import { FAILURE_MODES } from '../../src/trace/events.js';
import { eventProblem, isKnownEvent } from '../../src/trace/validate.js';
import { TRACE_FORMAT_DOC } from '../helpers/trace-format.js';

/** docs/trace-format.md is the contract; the reader must accept and refuse exactly what it says. */
const DOC = readFileSync(TRACE_FORMAT_DOC, 'utf8');

/** Per event type, its documented fields: name, whether optional, and the documented type. */
function documentedTypes(): Map<string, Array<{ field: string; optional: boolean; type: string }>> {
  const types = new Map<string, Array<{ field: string; optional: boolean; type: string }>>();
  for (const [, type, body] of DOC.matchAll(/^### `([a-z.]+)`\n([\s\S]*?)(?=^##)/gm)) {
    const fields = [...body!.matchAll(/^\| `([a-z_]+)(\?)?` \| ([^|]+) \|/gm)].map(([, field, optional, kind]) => ({ field: field!, optional: optional === '?', type: kind!.trim() }));
    types.set(type!, fields);
  }
  return types;
}

/** A value of the documented type, and one of another type. */
function sample(type: string): { good: unknown; bad: unknown } {
  if (type.startsWith('integer')) return { good: 3, bad: '3' };
  if (type.startsWith('`"')) return { good: /`"([^"]+)"`/.exec(type)![1], bad: 'not-one-of-them' };
  if (type === 'string') return { good: 'text', bad: 7 };
  if (type === 'boolean') return { good: true, bad: 'yes' };
  if (type.startsWith('array of strings')) return { good: ['stop'], bad: [1] };
  if (type.startsWith('array of tool objects')) return { good: [{ name: 'get', input_schema: { type: 'object' } }], bad: [{ description: 'no name' }] };
  if (type.startsWith('array')) return { good: [], bad: 'nope' };
  if (type.startsWith('object or string')) return { good: { a: 1 }, bad: 5 };
  if (type.startsWith('object')) return { good: {}, bad: [] };
  if (type === 'any') return { good: null, bad: undefined };
  if (type === 'number') return { good: 12.5, bad: undefined };
  throw new Error(`no sample for documented type "${type}"`);
}

describe('docs/trace-format.md and the reader agree', () => {
  const types = documentedTypes();

  it('documents exactly the event types the reader knows', () => {
    expect([...types.keys()].sort()).toEqual(
      ['session.start', 'tool.definitions', 'message', 'llm.call', 'tool.call', 'tool.result', 'subagent.output', 'context.add', 'goal.update', 'guard.decision', 'session.end'].sort(),
    );
    for (const type of types.keys()) expect(isKnownEvent({ type })).toBe(true);
    expect(isKnownEvent({ type: 'something.new' })).toBe(false);
  });

  it('accepts an event with the documented required fields, and refuses it without any one of them', () => {
    for (const [type, fields] of types) {
      const event: Record<string, unknown> = { session_id: 's', step: 1, type };
      for (const { field, optional, type: kind } of fields) if (!optional) event[field] = sample(kind).good;
      expect({ type, problem: eventProblem(event) }).toEqual({ type, problem: undefined });
      for (const { field } of fields.filter((candidate) => !candidate.optional)) {
        const without = { ...event };
        delete without[field];
        expect(eventProblem(without)).toMatch(new RegExp(`^${type.replace('.', '\\.')}: missing ${field} \\(.+\\)$`));
      }
    }
  });

  it('checks each documented field type, naming the wrong type', () => {
    for (const [type, fields] of types) {
      const event: Record<string, unknown> = { session_id: 's', step: 1, type };
      for (const { field, optional, type: kind } of fields) if (!optional) event[field] = sample(kind).good;
      for (const { field, type: kind } of fields) {
        const { bad } = sample(kind);
        if (bad === undefined || kind === 'number' || field === 'input_messages') continue; // not checked by readers: documented as lenient
        expect({ type, field, problem: eventProblem({ ...event, [field]: bad }) }).toEqual({ type, field, problem: expect.stringMatching(new RegExp(`^${type.replace('.', '\\.')}: ${field} must be `)) });
      }
    }
  });

  it('documents the fields of every event, and every anomaly code and failure mode', () => {
    expect(eventProblem({ step: 0, type: 'message' })).toBe('missing session_id');
    expect(eventProblem({ session_id: '', step: 0, type: 'x' })).toMatch(/^session_id must be a non-empty string/);
    expect(eventProblem({ session_id: 's', step: -1, type: 'x' })).toMatch(/^step must be an integer from 0 to 2\^53-1, got the number -1/);
    expect(eventProblem({ session_id: 's', step: 0, type: 'x', anything: 1 })).toBeUndefined();
    for (const code of Object.values(AnomalyCode)) expect(DOC).toContain(`| \`${code}\` |`);
    for (const mode of FAILURE_MODES) expect(DOC).toContain(`\`${mode}\``);
  });
});
