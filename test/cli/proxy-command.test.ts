import { afterAll, describe, expect, it } from 'vitest';
import { splitCommandLine, upstreamCommand } from '../../src/cli/proxy-command.js';
import { UsageError } from '../../src/cli/options.js';
import { call, closeAll, CLOSE_TIMEOUT, connect, EVERYTHING } from '../adapters/mcp/clients.js';
import { warden } from '../helpers/cli.js';

afterAll(closeAll, CLOSE_TIMEOUT);

describe('warden proxy: the upstream command, with or without --', () => {
  it('takes the words after the options, forgiving repeated separators', () => {
    expect(upstreamCommand(undefined, ['npx', '-y', 'server', '--policy', 'theirs.json'])).toEqual(['npx', '-y', 'server', '--policy', 'theirs.json']);
    expect(upstreamCommand(undefined, ['--', '--', 'node', 'server.js'])).toEqual(['node', 'server.js']);
  });

  it('takes the whole command line from --upstream, quoted like a shell would', () => {
    expect(upstreamCommand('node "my server.js" --root \'/tmp/a b\' x\\ y', [])).toEqual(['node', 'my server.js', '--root', '/tmp/a b', 'x y']);
    expect(splitCommandLine('  npx   -y  @modelcontextprotocol/server-everything  ')).toEqual(['npx', '-y', '@modelcontextprotocol/server-everything']);
    expect(splitCommandLine('a "" b')).toEqual(['a', '', 'b']);
  });

  it('refuses what is ambiguous or missing, saying how to write it', () => {
    expect(() => upstreamCommand('node a.js', ['node', 'b.js'])).toThrow(UsageError);
    expect(() => upstreamCommand('node a.js', ['node', 'b.js'])).toThrow(/either --upstream .* or after the options/);
    expect(() => upstreamCommand(undefined, [])).toThrow(/needs the upstream server command/);
    expect(() => upstreamCommand(undefined, ['--'])).toThrow(/needs the upstream server command/);
    expect(() => splitCommandLine('node "unclosed')).toThrow(/unclosed " quote/);
    const unknown = warden('proxy', '--verbose', 'node', 'server.js');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--verbose/);
    const bad = warden('proxy', '--max-sessions', '0', 'node', 'server.js');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-sessions takes a positive whole number, got "0"/);
  }, 60_000);

  it('serves an upstream given with --upstream to the official client', async () => {
    const proxied = await connect('proxy-stdio', [], {}, ['--upstream', [process.execPath, ...EVERYTHING].map((word) => `"${word}"`).join(' ')]);
    expect(await call(proxied.client, 'echo', { message: 'via --upstream' })).toEqual({ content: [{ type: 'text', text: 'Echo: via --upstream' }] });
  }, 60_000);

  it('serves an upstream given after the options without --, its own flags left alone', async () => {
    const proxied = await connect('proxy-stdio', EVERYTHING, {}, ['--max-frame-bytes', '1000000']);
    expect(await call(proxied.client, 'echo', { message: 'no separator' })).toEqual({ content: [{ type: 'text', text: 'Echo: no separator' }] });
  }, 60_000);
});
