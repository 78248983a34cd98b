// The proxy is faithful: with the official client in front of real servers, everything a direct
// connection does (results, notifications, server-to-client requests) happens identically through
// `warden proxy`, over stdio and over HTTP.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallToolResultSchema, ErrorCode, McpError, ResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { call, closeAll, CLOSE_TIMEOUT, connect, eventually, EVERYTHING, FILESYSTEM, MEMORY, PROTOCOL, type Recorded, type Route } from './clients.js';

afterAll(closeAll, CLOSE_TIMEOUT);

const PROXIED: Route[] = ['proxy-stdio', 'proxy-http'];
const TIMEOUT = 60_000;

const both = (route: Route, upstream: string[], setup = {}) => Promise.all([connect('direct', upstream, setup), connect(route, upstream, setup)]);

describe.each(PROXIED)('through %s, as directly: server-everything', (route) => {
  it('advertises the same server, capabilities and instructions, and lists the same tools, resources and prompts', async () => {
    const [direct, proxied] = await both(route, EVERYTHING);
    expect(proxied.client.getServerVersion()).toEqual(direct.client.getServerVersion());
    // tasks included: they are relayed, not stripped.
    expect(proxied.client.getServerCapabilities()).toEqual(direct.client.getServerCapabilities());
    expect(proxied.client.getServerCapabilities()?.tasks).toBeDefined();
    expect(proxied.client.getInstructions()).toEqual(direct.client.getInstructions());
    const tools = (await proxied.client.listTools()).tools;
    expect(tools).toEqual((await direct.client.listTools()).tools);
    // The tools that need the client's sampling, elicitation and roots are there: the capabilities reached the server.
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['trigger-sampling-request', 'trigger-elicitation-request', 'get-roots-list', 'simulate-research-query']));
    expect((await proxied.client.listResources()).resources).toEqual((await direct.client.listResources()).resources);
    expect((await proxied.client.listResourceTemplates()).resourceTemplates).toEqual((await direct.client.listResourceTemplates()).resourceTemplates);
    expect((await proxied.client.listPrompts()).prompts).toEqual((await direct.client.listPrompts()).prompts);
    expect(await proxied.client.getPrompt({ name: 'simple-prompt' })).toEqual(await direct.client.getPrompt({ name: 'simple-prompt' }));
    expect(await call(proxied.client, 'get-sum', { a: 2, b: 3 })).toEqual(await call(direct.client, 'get-sum', { a: 2, b: 3 }));
    expect(await call(proxied.client, 'get-structured-content', { location: 'New York' })).toEqual(await call(direct.client, 'get-structured-content', { location: 'New York' }));
    await proxied.client.ping();
  }, TIMEOUT);

  it('delivers progress notifications of a long operation, in order', async () => {
    const [direct, proxied] = await both(route, EVERYTHING);
    const run = async (recorded: Recorded) => {
      const result = await recorded.client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.4, steps: 4 }, _meta: { progressToken: 'long-op' } });
      await eventually(() => expect(recorded.progress).toHaveLength(4), 'all progress notifications');
      return { result, progress: recorded.progress };
    };
    const [expected, actual] = [await run(direct), await run(proxied)];
    expect(expected.progress).toEqual([1, 2, 3, 4].map((step) => ({ progressToken: 'long-op', progress: step, total: 4 })));
    expect(actual).toEqual(expected);
  }, TIMEOUT);

  it('relays the server’s sampling, elicitation and roots requests to the client, and the answers back', async () => {
    const [direct, proxied] = await both(route, EVERYTHING);
    for (const [name, args] of [
      ['trigger-sampling-request', { prompt: 'What is 2+2?', maxTokens: 40 }],
      ['trigger-elicitation-request', {}],
      ['get-roots-list', {}],
    ] as const) {
      const expected = await call(direct.client, name, args);
      expect(expected.isError, name).toBeFalsy();
      expect(await call(proxied.client, name, args), name).toEqual(expected);
    }
    expect(proxied.samplings).toEqual(direct.samplings);
    expect(proxied.samplings).toHaveLength(1);
    expect(proxied.elicitations).toEqual(direct.elicitations);
    expect(proxied.elicitations).toHaveLength(1);
    expect(proxied.rootsAsked).toBeGreaterThan(0);
  }, TIMEOUT);

  it('relays tasks: a task-only tool runs as a task and its result is fetched through tasks/result', async () => {
    const [direct, proxied] = await both(route, EVERYTHING);
    const run = async ({ client }: Recorded) => {
      const kinds: string[] = [];
      let result: unknown;
      await client.listTools();
      for await (const message of client.experimental.tasks.callToolStream({ name: 'simulate-research-query', arguments: { topic: 'tide pools' } }, CallToolResultSchema)) {
        if (kinds.at(-1) !== message.type) kinds.push(message.type);
        if (message.type === 'result') result = message.result;
        if (message.type === 'error') throw message.error;
      }
      return { kinds, result };
    };
    const [expected, actual] = await Promise.all([run(direct), run(proxied)]);
    expect(expected.kinds[0]).toBe('taskCreated');
    expect(expected.kinds.at(-1)).toBe('result');
    // Equal but for the task's own (random) id.
    const withoutTaskId = (result: unknown) => ({ ...(result as object), _meta: { 'io.modelcontextprotocol/related-task': { taskId: expect.any(String) } } });
    expect(actual.result).toEqual(withoutTaskId(expected.result));
    expect(expected.result).toEqual(withoutTaskId(actual.result));
    expect(actual.kinds).toEqual(expected.kinds);
  }, TIMEOUT);

  it('passes methods it does not know through, with the server’s own error', async () => {
    const [direct, proxied] = await both(route, EVERYTHING);
    const attempt = (recorded: Recorded) => recorded.client.request({ method: 'vendor/made-up', params: { x: 1 } }, ResultSchema).then(
      () => 'answered',
      (error: McpError) => ({ code: error.code, message: error.message }),
    );
    const expected = await attempt(direct);
    expect(expected).toMatchObject({ code: ErrorCode.MethodNotFound });
    expect(await attempt(proxied)).toEqual(expected);
    const completion = { ref: { type: 'ref/prompt' as const, name: 'completable-prompt' }, argument: { name: 'department', value: 'E' } };
    expect(await proxied.client.complete(completion)).toEqual(await direct.client.complete(completion));
  }, TIMEOUT);
});

describe.each(PROXIED)('through %s, as directly: protocol details', (route) => {
  it('forwards logging/setLevel: the server filters its messages by the level the client set', async () => {
    const [direct, proxied] = await both(route, [PROTOCOL]);
    for (const recorded of [direct, proxied]) {
      await recorded.client.setLoggingLevel('error');
      await call(recorded.client, 'log_every_level');
    }
    await eventually(() => expect(direct.logs).toHaveLength(4), 'the direct log messages');
    await eventually(() => expect(proxied.logs).toHaveLength(4), 'the proxied log messages');
    expect(direct.logs.map((log) => log.level)).toEqual(['error', 'critical', 'alert', 'emergency']);
    expect(proxied.logs).toEqual(direct.logs);
  }, TIMEOUT);

  it('forwards cancellation from the client to the server', async () => {
    const { client, logs } = await connect(route, [PROTOCOL]);
    const controller = new AbortController();
    const pending = client.callTool({ name: 'wait_for_cancel', arguments: {} }, undefined, { signal: controller.signal });
    await eventually(() => expect(logs.map((log) => log.data)).toContain('waiting for cancellation'), 'the tool to start');
    controller.abort('changed my mind');
    await expect(pending).rejects.toThrow();
    expect((await call(client, 'was_cancelled')).content).toEqual([{ type: 'text', text: 'true' }]);
  }, TIMEOUT);

  it('forwards cancellation from the server to the client (a sampling request it gave up on)', async () => {
    const never = (_params: unknown, signal: AbortSignal) => new Promise<Record<string, unknown>>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    const [direct, proxied] = await both(route, [PROTOCOL], { sample: never });
    const expected = await call(direct.client, 'sample_then_give_up');
    expect((expected.content[0] as { text: string }).text).toMatch(/^gave up/);
    expect(await call(proxied.client, 'sample_then_give_up')).toEqual(expected);
    await eventually(() => expect(direct.samplingsCancelled).toBe(1), 'the direct cancellation');
    // Every request the client got was cancelled (one the server gave up on while it was being checked never reaches it).
    await eventually(() => expect(proxied.samplingsCancelled).toBe(proxied.samplings.length), 'the proxied cancellation');
  }, TIMEOUT);
});

describe.each(PROXIED)('through %s, as directly: server-filesystem and server-memory', (route) => {
  it('reads and lists files the same way', async () => {
    const root = mkdtempSync(join(tmpdir(), 'warden-fs-'));
    writeFileSync(join(root, 'notes.txt'), 'first line\nsecond line\n');
    const [direct, proxied] = await both(route, [FILESYSTEM, root]);
    expect((await proxied.client.listTools()).tools).toEqual((await direct.client.listTools()).tools);
    for (const [name, args] of [
      ['list_directory', { path: root }],
      ['read_text_file', { path: join(root, 'notes.txt') }],
      ['get_file_info', { path: join(root, 'notes.txt') }],
      ['list_allowed_directories', {}],
    ] as const) {
      expect(await call(proxied.client, name, args), name).toEqual(await call(direct.client, name, args));
    }
  }, TIMEOUT);

  it('keeps a knowledge graph the same way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-memory-'));
    const [direct, proxied] = await Promise.all([
      connect('direct', [MEMORY], {}, [], { MEMORY_FILE_PATH: join(dir, 'direct.jsonl') }),
      connect(route, [MEMORY], {}, [], { MEMORY_FILE_PATH: join(dir, 'proxied.jsonl') }),
    ]);
    expect((await proxied.client.listTools()).tools).toEqual((await direct.client.listTools()).tools);
    for (const [name, args] of [
      ['create_entities', { entities: [{ name: 'Ada', entityType: 'person', observations: ['wrote the first program'] }] }],
      ['create_relations', { relations: [{ from: 'Ada', to: 'Ada', relationType: 'admires' }] }],
      ['search_nodes', { query: 'program' }],
      ['read_graph', {}],
    ] as const) {
      expect(await call(proxied.client, name, args), name).toEqual(await call(direct.client, name, args));
    }
  }, TIMEOUT);
});
