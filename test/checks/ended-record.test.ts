import { describe, expect, it } from 'vitest';
import { createGuard, type ToolDefinition } from '../../src/index.js';
import { endedNoun, isIdentifierToken, namesEndedRecord } from '../../src/checks/entity-reference.js';

const string = { type: 'string' } as const;
const tool = (name: string, properties: Record<string, unknown>, annotations: ToolDefinition['annotations'] = {}): ToolDefinition => ({ name, input_schema: { type: 'object', properties }, annotations });

const TOOLS: ToolDefinition[] = [
  tool('list_pods', { namespace: string }, { readOnlyHint: true }),
  tool('delete_pod', { name: string, namespace: string, labels: { type: 'object' } }, { destructiveHint: true }),
  tool('k8s_restart_pod', { pod: string }, { destructiveHint: true }),
  tool('cancel_order', { order: string, reason: string }, { destructiveHint: true }),
  tool('delete_file', { file: string }, { destructiveHint: true }),
  tool('delete_branch', { name: string }, { destructiveHint: true }),
  tool('rename_project', { project: string, name: string }, { destructiveHint: true }),
  tool('create_pod', { name: string, image: string }),
  tool('delete_message', { message: string }, { destructiveHint: true }),
  tool('remove_item', { item: { type: 'integer' } }, { destructiveHint: true }),
];

async function podSession() {
  const session = await createGuard({ tools: TOOLS }).startSession();
  await session.message('user', 'The api in prod keeps crashing; restart the crashing pod and cancel order W2378156 while you are at it.');
  await session.beforeToolCall({ callId: 'list', tool: 'list_pods', arguments: { namespace: 'prod' } });
  await session.afterToolCall({ callId: 'list', tool: 'list_pods', result: { items: [{ name: 'api-7f9c8d5b6-x2k4q', status: 'CrashLoopBackOff' }, { name: 'api-7f9c8d5b6-m8n2p', status: 'Running' }] } });
  return session;
}

const codesOf = async (session: Awaited<ReturnType<typeof podSession>>, name: string, args: Record<string, unknown>) =>
  (await session.beforeToolCall({ tool: name, arguments: args })).flags.map((flag) => flag.code);

describe('the record a tool ends or removes, named without an id word', () => {
  it('is a reference: an invented pod or order is ENTITY_HALLUCINATION, under `name` or the noun itself', async () => {
    const session = await podSession();
    expect(await codesOf(session, 'delete_pod', { name: 'api-7f9c8d5b6-zz9qq', namespace: 'prod' })).toContain('ENTITY_HALLUCINATION');
    expect(await codesOf(session, 'k8s_restart_pod', { pod: 'api-7f9c8d5b6-zz9qq' })).toContain('ENTITY_HALLUCINATION');
    expect(await codesOf(session, 'cancel_order', { order: 'W9999999', reason: 'duplicate' })).toContain('ENTITY_HALLUCINATION');
  });

  it('passes what the session has seen: a pod a result listed, an order the user named', async () => {
    const session = await podSession();
    expect(await codesOf(session, 'delete_pod', { name: 'api-7f9c8d5b6-x2k4q', namespace: 'prod' })).toEqual([]);
    expect(await codesOf(session, 'k8s_restart_pod', { pod: 'api-7f9c8d5b6-m8n2p' })).toEqual([]);
    expect(await codesOf(session, 'cancel_order', { order: 'W2378156', reason: 'duplicate' })).toEqual([]);
  });

  it('leaves alone what is no identifier or no reference: plain words, paths, text, new names, nested names, other verbs', async () => {
    const session = await podSession();
    // A plain word (a branch), a path, a sentence: not identifiers of a record.
    expect(await codesOf(session, 'delete_branch', { name: 'main' })).toEqual([]);
    expect(await codesOf(session, 'delete_file', { file: 'logs/app-2026-11.log' })).toEqual([]);
    expect(await codesOf(session, 'delete_message', { message: 'see you at 3' })).toEqual([]);
    // A bare number is as often a position as a record: `remove_item({item: 2})` is not read as an id.
    expect(await codesOf(session, 'remove_item', { item: 2 })).toEqual([]);
    // A rename's `name` is the new one; a create's `name` is its own; `labels.name` is not the record's name.
    expect(await codesOf(session, 'rename_project', { project: 'apollo', name: 'apollo-v2' })).toEqual([]);
    expect(await codesOf(session, 'create_pod', { name: 'api-canary-2', image: 'api:2.4.1' })).toEqual([]);
    expect(await codesOf(session, 'delete_pod', { name: 'api-7f9c8d5b6-x2k4q', namespace: 'prod', labels: { name: 'web-7' } })).toEqual([]);
  });

  it('reads the verb and noun from the tool name, a namespace or the noun first included', () => {
    expect(['delete_pod', 'k8s_delete_pod', 'pods.delete', 'cancelOrders', 'terminate_instance', 'get_pod', 'rename_project', 'write_file'].map(endedNoun)).toEqual(['pod', 'pod', 'pod', 'order', 'instance', undefined, undefined, undefined]);
    expect([namesEndedRecord('name', 'pod'), namesEndedRecord('pods', 'pod'), namesEndedRecord('pod', 'pod'), namesEndedRecord('namespace', 'pod'), namesEndedRecord('pod_label', 'pod')]).toEqual([true, true, true, false, false]);
    expect(['api-7f9c8d5b6-x2k4q', 'W2378156', 'main', 'logs/app-2.log', 'see you at 3', 'https://x.test/2'].map(isIdentifierToken)).toEqual([true, true, false, false, false, false]);
    expect(['4211', 'i-0abc12de'].map(isIdentifierToken)).toEqual([false, true]);
  });
});
