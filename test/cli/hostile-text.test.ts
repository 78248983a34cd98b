import { describe, expect, it, vi } from 'vitest';
import { file, warden } from '../helpers/cli.js';
import { describeWithRedis, REDIS_URL, useSharedRedis } from '../helpers/redis.js';
import { specExample } from '../helpers/trace-format.js';

// Spawned CLIs on a loaded 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 180_000 });

/** What must never reach the terminal raw: controls but newline and tab, C1, bidi controls and marks, zero-width, line separators. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

const PASSWORD = 'hunter2-db-pass';
/** A session id and a tool name an attacker wrote: a fake line, an OSC 8 link, a CSI, bidi reordering, a credential. */
const HOSTILE_SESSION = `s-evil\u202e\nsession s-fake: no anomaly found\u001b]8;;https://evil.example/\u0007click\u001b]8;;\u0007\u009b2J\u2066x\u2069 redis://admin:${PASSWORD}@db:6379/0`;
const HOSTILE_TOOL = `get_order\n  step    9  allow  refund_all\u200b\u202etxt.exe\u001b[8m redis://:${PASSWORD}@cache`;

/** The trace-format example rewritten by an attacker: its session id, and the tool its call and result name. */
function hostileTrace(): string {
  return specExample()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const event = JSON.parse(line) as Record<string, unknown>;
      event.session_id = HOSTILE_SESSION;
      if (event.type === 'tool.call' || event.type === 'tool.result') event.tool = HOSTILE_TOOL;
      return JSON.stringify(event);
    })
    .join('\n');
}

function expectSafe(text: string): void {
  expect(text).not.toMatch(UNSAFE);
  expect(text).not.toContain(PASSWORD);
}

describe('hostile text in a trace reaches the terminal escaped', () => {
  const trace = file('hostile-text.jsonl', `${hostileTrace()}\n`);

  it('triage: no escape sequence, bidi control, fake line or URL password, in text or JSON', () => {
    const run = warden('triage', trace);
    expect(run.code).toBe(0);
    expectSafe(run.stdout);
    expectSafe(run.stderr);
    // One session, so one line starts with "session ": the id's newline is shown as \n, not obeyed.
    expect(run.stdout.split('\n').filter((line) => line.startsWith('session '))).toHaveLength(1);
    expect(run.stdout).toContain('s-evil\\u202e\\nsession s-fake');
    expect(run.stdout).toContain('redis://admin:[REDACTED]@db:6379/0');
    const json = warden('triage', trace, '--json', '--quiet');
    expect(json.code).toBe(0);
    expectSafe(json.stdout);
    // Still JSON, of the same session id (its password aside): escapes JSON reads back as the characters.
    const parsed = JSON.parse(json.stdout) as { sessions: Array<{ session_id: string }> };
    expect(parsed.sessions[0]!.session_id).toBe(HOSTILE_SESSION.replace(PASSWORD, '[REDACTED]'));
  });

  it('replay: a tool name cannot print a decision line of its own', () => {
    const run = warden('replay', trace);
    expect(run.code).toBe(0);
    expectSafe(run.stdout);
    expectSafe(run.stderr);
    expect(run.stdout).toContain('get_order\\n  step    9  allow  refund_all\\u200b\\u202etxt.exe\\u001b[8m redis://:[REDACTED]@cache');
    const json = warden('replay', trace, '--json', '--quiet');
    expectSafe(json.stdout);
    const decisions = (JSON.parse(json.stdout) as Array<{ decisions: Array<{ step: number; tool: string }> }>)[0]!.decisions;
    expect(decisions.map((decision) => decision.tool)).toEqual(decisions.map(() => HOSTILE_TOOL.replace(PASSWORD, '[REDACTED]')));
    // As many decision lines as decisions: none of step 9, which only the tool name spelled.
    const stepLines = run.stdout.split('\n').filter((line) => /^ {2}step +\d+ /.test(line));
    expect(stepLines.map((line) => Number(/step +(\d+)/.exec(line)![1]))).toEqual(decisions.map((decision) => decision.step));
  });

  it('postmortem and report: what they print on the terminal is escaped too', () => {
    const postmortem = warden('postmortem', trace);
    expect(postmortem.code).toBe(0);
    expectSafe(postmortem.stdout);
    expectSafe(postmortem.stderr);
    const report = warden('report', trace, '-o', `${trace}.html`);
    expect(report.code).toBe(0);
    expectSafe(report.stderr);
    expect(report.stderr).toContain('s-evil\\u202e\\nsession s-fake');
  });

  it('an error that quotes input (an unknown session) is escaped and masked', () => {
    for (const command of ['postmortem', 'report']) {
      const run = warden(command, trace, '--session', `nope\u001b[2J\u202e redis://u:${PASSWORD}@h`, '-o', `${trace}.${command}.out`);
      expect(run.code).toBe(1);
      expectSafe(run.stderr);
      expect(run.stderr).toContain('nope\\u001b[2J\\u202e redis://u:[REDACTED]@h');
    }
  });

  it('a benign trace prints as before: plain text, accents, CJK, emoji untouched', () => {
    const benign = file('benign-text.jsonl', `${specExample().replace(/s-0237/g, 's-0237-café-注文-📦')}\n`);
    const run = warden('triage', benign);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('session s-0237-café-注文-📦: hallucination propagation');
    expect(run.stdout).not.toContain('\\u');
  });
});

describe('warden convert writes hostile text as JSON escapes', () => {
  it('a chat holding C1, bidi and zero-width characters converts to the same events, none of them raw', () => {
    const content = `refund \u202eall\u202c \u009b2J \u200b done \u2028 next`;
    const chat = file('hostile-chat.json', JSON.stringify([{ role: 'user', content }, { role: 'assistant', content: 'ok' }]));
    const run = warden('convert', chat, '--session', 'c-1', '--quiet');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(UNSAFE);
    const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; content?: string });
    expect(events.find((event) => event.type === 'message')!.content).toBe(content);
  });
});

describe('credentials in URLs are masked in everything printed', () => {
  it('--redis: neither a usage error nor an unreachable server shows the password', () => {
    const wrongScheme = warden('sessions', '--redis', `http://ops:${PASSWORD}@127.0.0.1:6379`);
    expect(wrongScheme.code).toBe(2);
    expect(wrongScheme.stderr).toContain(`http://ops:[REDACTED]@127.0.0.1:6379`);
    expectSafe(wrongScheme.stderr);
    // Port 9 (discard) is closed here: the connection is refused at once.
    for (const url of [`redis://ops:${PASSWORD}@127.0.0.1:9`, `redis://:${PASSWORD}@127.0.0.1:9/0`]) {
      const unreachable = warden('sessions', '--redis', url);
      expect(unreachable.code).toBe(1);
      expect(unreachable.stderr).toMatch(/Redis at redis:\/\/(ops)?:\[REDACTED\]@127\.0\.0\.1:9/);
      expectSafe(unreachable.stderr);
      const kill = warden('kill', 's-1', '--redis', url);
      expect(kill.code).toBe(1);
      expectSafe(kill.stderr);
    }
  });
});

// A session id is whatever the agent's code passed: on a shared Redis, every operator's `warden sessions` lists it.
describeWithRedis('hostile session ids on a shared Redis', () => {
  const redis = useSharedRedis();
  const onPrefix = (...args: string[]) => warden(...args, '--redis', REDIS_URL, '--prefix', redis.prefix);

  it('warden sessions and kill print them escaped, one table row each', async () => {
    const ids = [HOSTILE_SESSION, 'plain-session'];
    for (const [index, id] of ids.entries()) {
      await redis.client.zAdd(`${redis.prefix}sessions`, { score: Date.now() + index, value: id });
      await redis.client.hSet(redis.key(id, 'meta'), { status: 'active', lastStep: '3', spentTokens: '10' });
    }
    const listed = onPrefix('sessions');
    expect(listed.code).toBe(0);
    expectSafe(listed.stdout);
    // A header and one row per session: the id's newline did not add a row.
    expect(listed.stdout.trim().split('\n')).toHaveLength(3);
    expect(listed.stdout).toMatch(/^plain-session +active/m);
    const json = onPrefix('sessions', '--json');
    expectSafe(json.stdout);
    expect((JSON.parse(json.stdout) as Array<{ sessionId: string }>).map((session) => session.sessionId).sort()).toEqual([HOSTILE_SESSION.replace(PASSWORD, '[REDACTED]'), 'plain-session'].sort());
    const killed = onPrefix('kill', HOSTILE_SESSION);
    expect(killed.code).toBe(0);
    expectSafe(killed.stdout);
    expect(killed.stdout).toMatch(/^s-evil\\u202e\\nsession s-fake.*: active -> killed\n$/);
  });
});
