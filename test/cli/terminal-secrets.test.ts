import { describe, expect, it, vi } from 'vitest';
import { file, warden } from '../helpers/cli.js';
import { describeWithRedis, REDIS_URL, useSharedRedis } from '../helpers/redis.js';
import { specExample } from '../helpers/trace-format.js';

// Spawned CLIs on a loaded 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 180_000 });

/** One secret of each kind the recorder masks, as it would sit in a trace: `[kind, text, the part that must not show]`. */
const SECRETS: Array<[string, string, string]> = [
  ['OpenAI key', `sk-proj-${'Q7x'.repeat(12)}`, 'Q7xQ7xQ7x'],
  ['bearer token', 'Authorization: Bearer Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5', 'Zm9vYmFy'],
  ['JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'dozjgNry'],
  ['URL password', 'https://deploy:Sup3rS3cretPw@git.example.com', 'Sup3rS3cretPw'],
  ['AWS key', 'AKIAIOSFODNN7EXAMPLE', 'IOSFODNN7'],
  ['GitHub token', `ghp_${'a1B2'.repeat(9)}`, 'a1B2a1B2'],
  ['Slack token', 'xoxb-1234567890-abcdefghijkl', '1234567890-abc'],
  ['Google key', `AIza${'Sy9'.repeat(11)}xy`, 'Sy9Sy9Sy9'],
  ['Stripe key', `sk_live_${'4eC39H'.repeat(4)}`, '4eC39H4eC39H'],
  ['GitLab token', `glpat-${'Zx8'.repeat(7)}`, 'Zx8Zx8Zx8'],
  ['Hugging Face token', `hf_${'Wq5'.repeat(11)}`, 'Wq5Wq5Wq5'],
  ['npm token', `npm_${'Np3'.repeat(12)}`, 'Np3Np3Np3'],
  ['credential in a query string', 'https://api.example.com/v1/orders?api_key=k3yInTheQu3ry', 'k3yInTheQu3ry'],
  ['password field', 'password=hunter2hunter2', 'hunter2hunter2'],
  ['card number', '4111 1111 1111 1111', '4111 1111 1111 1111'],
  ['private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEA'],
];

/** Text that looks like ids or numbers but holds no secret: it must be shown as the trace holds it. */
const BENIGN = ['ord_555', 'cust_789', 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', '123e4567-e89b-12d3-a456-426614174000', 'ORD-2024-000123', '1732857600000', '4111 1111 1111 1112'];

/** The trace-format example once per text, the text in its session id: triage and replay print every session id. */
function sessionsNamed(texts: readonly string[]): string {
  const events = specExample().split('\n').filter(Boolean);
  return `${texts.flatMap((text, index) => events.map((line) => JSON.stringify({ ...JSON.parse(line), session_id: `case-${index} ${text}` }))).join('\n')}\n`;
}

function expectMasked(output: string): void {
  for (const [kind, , secret] of SECRETS) expect(output, kind).not.toContain(secret);
  expect(output).toContain('[REDACTED]');
}

describe('what triage and replay print masks every secret kind the recorder masks', () => {
  const trace = file('secret-session-ids.jsonl', sessionsNamed(SECRETS.map(([, text]) => text)));

  it('triage, as text and as JSON', () => {
    const text = warden('triage', trace, '--quiet');
    expect(text.code).toBe(0);
    expectMasked(text.stdout);
    // Every session is still listed: masking hides the secret, not the session.
    expect(text.stdout.match(/^session case-\d+ /gm)).toHaveLength(SECRETS.length);
    const json = warden('triage', trace, '--quiet', '--json');
    expect(json.code).toBe(0);
    expectMasked(json.stdout);
    expect((JSON.parse(json.stdout) as { sessions: unknown[] }).sessions).toHaveLength(SECRETS.length);
  });

  it('replay, as text and as JSON', () => {
    const text = warden('replay', trace, '--quiet');
    expect(text.code).toBe(0);
    expectMasked(text.stdout);
    expect(text.stdout.match(/^session case-\d+ /gm)).toHaveLength(SECRETS.length);
    const json = warden('replay', trace, '--quiet', '--json');
    expect(json.code).toBe(0);
    expectMasked(json.stdout);
    expect(JSON.parse(json.stdout) as unknown[]).toHaveLength(SECRETS.length);
  });

  it('a finding that quotes a secret from the arguments shows it masked, and the finding itself', () => {
    const run = warden('triage', file('secret-in-arguments.jsonl', specExample().replace(/ord_555/g, `ghp_${'a1B2'.repeat(9)}`)), '--quiet');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('a1B2a1B2');
    expect(run.stdout).toContain('ENTITY_HALLUCINATION: get_order was called with order_id=[REDACTED], an id that appeared in no trusted prior context.');
  });

  it('ids, hashes, order numbers and epoch times are shown as they are', () => {
    const benign = file('benign-session-ids.jsonl', sessionsNamed(BENIGN));
    for (const args of [['triage'], ['triage', '--json'], ['replay'], ['replay', '--json']]) {
      const run = warden(...args, benign, '--quiet');
      expect(run.code).toBe(0);
      expect(run.stdout, args.join(' ')).not.toContain('[REDACTED]');
      for (const text of BENIGN) expect(run.stdout, `${args.join(' ')}: ${text}`).toContain(text);
    }
  });
});

// A session id is whatever the agent's code passed: on a shared Redis, every operator's `warden sessions` lists it.
describeWithRedis('what warden sessions prints masks every secret kind', () => {
  const redis = useSharedRedis();

  it('as a table and as JSON, the other sessions shown as they are', async () => {
    const ids = [...SECRETS.map(([, text], index) => `case-${index} ${text}`), ...BENIGN];
    for (const [index, id] of ids.entries()) {
      await redis.client.zAdd(`${redis.prefix}sessions`, { score: Date.now() + index, value: id });
      await redis.client.hSet(redis.key(id, 'meta'), { status: 'active', lastStep: '3', spentTokens: '10' });
    }
    for (const args of [[], ['--json']]) {
      const run = warden('sessions', ...args, '--redis', REDIS_URL, '--prefix', redis.prefix);
      expect(run.code, args.join(' ')).toBe(0);
      expectMasked(run.stdout);
      for (const text of BENIGN) expect(run.stdout, `${args.join(' ')}: ${text}`).toContain(text);
    }
  });
});
