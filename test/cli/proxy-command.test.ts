import { afterAll, describe, expect, it } from 'vitest';
import { parseProxyArguments, splitCommandLine } from '../../src/cli/proxy-command.js';
import { UsageError } from '../../src/cli/options.js';
import { call, closeAll, CLOSE_TIMEOUT, connect, EVERYTHING } from '../adapters/mcp/clients.js';
import { warden } from '../helpers/cli.js';

afterAll(closeAll, CLOSE_TIMEOUT);

describe('warden proxy: the upstream command, with or without --', () => {
  it('takes the command after the proxy’s own options, with or without the separator, and leaves its flags alone', () => {
    const expected = { command: ['npx', '-y', 'server', '--policy', 'theirs.json'], options: { policy: 'p.json', trace: 't.jsonl' } };
    expect(parseProxyArguments(['--policy', 'p.json', '--trace=t.jsonl', '--', 'npx', '-y', 'server', '--policy', 'theirs.json'])).toEqual(expected);
    // MCP Inspector strips the `--`.
    expect(parseProxyArguments(['--policy', 'p.json', '--trace=t.jsonl', 'npx', '-y', 'server', '--policy', 'theirs.json'])).toEqual(expected);
    // Launchers that pass the separator through more than once.
    expect(parseProxyArguments(['--', '--', 'node', 'server.js'])).toEqual({ command: ['node', 'server.js'], options: {} });
  });

  it('takes the whole command line from --upstream, quoted like a shell would', () => {
    expect(parseProxyArguments(['--listen', '127.0.0.1:0', '--upstream', 'node "my server.js" --root \'/tmp/a b\' x\\ y'])).toEqual({
      command: ['node', 'my server.js', '--root', '/tmp/a b', 'x y'],
      options: { listen: '127.0.0.1:0' },
    });
    expect(splitCommandLine('  npx   -y  @modelcontextprotocol/server-everything  ')).toEqual(['npx', '-y', '@modelcontextprotocol/server-everything']);
    expect(splitCommandLine('a "" b')).toEqual(['a', '', 'b']);
  });

  it('refuses what is ambiguous or missing, saying how to write it', () => {
    expect(() => parseProxyArguments(['--verbose', 'node', 'server.js'])).toThrow(UsageError);
    expect(() => parseProxyArguments(['--verbose', 'node', 'server.js'])).toThrow(/unknown proxy option --verbose/);
    expect(() => parseProxyArguments(['--upstream', 'node a.js', 'node', 'b.js'])).toThrow(/either --upstream .* or after the options/);
    expect(() => parseProxyArguments(['--policy', 'p.json'])).toThrow(/needs the upstream server command/);
    expect(() => parseProxyArguments(['--policy'])).toThrow(/--policy needs a value/);
    expect(() => parseProxyArguments(['--upstream', 'node "unclosed'])).toThrow(/unclosed " quote/);
    const bad = warden('proxy', '--max-sessions', '0', 'node', 'server.js');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-sessions takes a positive whole number, got "0"/);
    const run = warden('proxy', '--policy');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--policy needs a value/);
  }, 30_000);

  it('serves an upstream given with --upstream to the official client', async () => {
    const proxied = await connect('proxy-stdio', [], {}, ['--upstream', [process.execPath, ...EVERYTHING].map((word) => `"${word}"`).join(' ')]);
    expect(await call(proxied.client, 'echo', { message: 'via --upstream' })).toEqual({ content: [{ type: 'text', text: 'Echo: via --upstream' }] });
  }, 60_000);
});
