import { describe, expect, it } from 'vitest';
import { classifyTool, kindFromName } from '../src/text/index.js';
import { nameWords } from '../src/tool-kind.js';

describe('tool classification', () => {
  it('reads the leading verb of snake, camel, kebab and namespaced names', () => {
    expect(['get_order', 'listFiles', 'search-nodes', 'fs.read_file', 'describeTable', 'fetch_url', 'query_db', 'find_user'].map(kindFromName)).toEqual(Array(8).fill('lookup'));
    expect(['create_order', 'addTasksToRequest', 'new-note', 'request_planning'].map(kindFromName)).toEqual(Array(4).fill('create'));
    expect(['delete_entities', 'sendEmail', 'transfer-funds', 'refund_order', 'cancel_reservation'].map(kindFromName)).toEqual(Array(5).fill('destructive'));
    expect(['think', 'echo', 'calculator_v2'].map(kindFromName)).toEqual(['other', 'other', 'other']);
  });

  it('annotations win over the name, the policy over both', () => {
    const definition = { name: 'get_and_reset_counter', input_schema: {}, annotations: { destructiveHint: true, readOnlyHint: false } };
    expect(classifyTool(definition, undefined)).toMatchObject({ kind: 'destructive', readOnly: false, destructive: true, source: 'annotations' });
    expect(classifyTool({ name: 'get_order', input_schema: {} }, undefined)).toMatchObject({ kind: 'lookup', readOnly: true, destructive: false, source: 'name' });
    expect(classifyTool({ name: 'get_order', input_schema: {} }, { kind: 'other' })).toMatchObject({ kind: 'other', readOnly: false, source: 'policy' });
    expect(classifyTool({ name: 'purge_cache', input_schema: {} }, { destructive: false })).toMatchObject({ destructive: false, source: 'policy' });
    expect(classifyTool({ name: 'get_order', input_schema: {} }, undefined, { classifyByName: false })).toMatchObject({ kind: 'other', readOnly: false });
  });

  it('marks third-party content only on an explicit openWorldHint or the policy (the MCP default is not evidence)', () => {
    expect(classifyTool({ name: 'fetch_page', input_schema: {}, annotations: { readOnlyHint: true, openWorldHint: true } }, undefined).externalContent).toBe(true);
    expect(classifyTool({ name: 'fetch_page', input_schema: {}, annotations: { readOnlyHint: true } }, undefined).externalContent).toBe(false);
    expect(classifyTool({ name: 'read_inbox', input_schema: {} }, { externalContent: true }).externalContent).toBe(true);
  });
});

describe('nameWords on hostile names', () => {
  it('splits a million-capital run ending in a word in one pass (the old `([A-Z]+)([A-Z][a-z])` rescanned each run: quadratic)', () => {
    const run = 'A'.repeat(1_000_000);
    expect(nameWords(`${run}Id`)).toEqual([run.toLowerCase(), 'id']);
    expect(nameWords(`${run}_id`)).toEqual([run.toLowerCase(), 'id']);
    expect(nameWords('HTTPServerID')).toEqual(['http', 'server', 'id']);
  });
});
