import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { file, scratch, warden } from '../helpers/cli.js';
import { specExample } from '../helpers/trace-format.js';

// Spawned CLIs on a loaded 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 180_000 });

/** Secrets of the kinds the recorder masks; each must be gone from a drafted postmortem, wherever the trace held it. */
const OPENAI_KEY = `sk-proj-${'Q7x'.repeat(12)}`;
const GITHUB_TOKEN = `ghp_${'a1B2'.repeat(9)}`;
const BEARER = 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5';
const URL_PASSWORD = 'Sup3rS3cretPw';
const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';

/** The trace-format example with secrets where an attacker or a careless tool puts them. */
function leakyTrace(): string {
  const events = specExample()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  for (const event of events) {
    event.session_id = `s-0237 https://deploy:${URL_PASSWORD}@git.example.com`;
    if (event.type === 'session.start') event.goal = `Answer the customer; use Authorization: Bearer ${BEARER}`;
    if (event.type === 'message') event.content = `Hi, this is cust_789, my key is ${AWS_KEY}. Has my last order shipped?`;
    // The key starts just before where the draft cuts a result: a cut key must not leave its head behind.
    if (event.type === 'tool.result') event.result = { ...(event.result as object), note: `${'n'.repeat(118)} ${OPENAI_KEY} tail` };
    if (event.type === 'tool.call') event.tool = `get_order ${GITHUB_TOKEN}`;
    if (event.type === 'session.end') event.output = `Your order ord_555 has shipped. Debug: redis://:${URL_PASSWORD}@cache:6379`;
  }
  return `${events.map((event) => JSON.stringify(event)).join('\n')}\n`;
}

function expectNoSecret(text: string): void {
  for (const secret of [OPENAI_KEY.slice(0, 14), GITHUB_TOKEN.slice(0, 10), BEARER.slice(0, 8), URL_PASSWORD, AWS_KEY]) expect(text).not.toContain(secret);
}

describe('warden postmortem never shows a secret the trace holds', () => {
  it('masks API keys, bearer tokens and URL passwords in every section, on stdout and in -o files', () => {
    const trace = file('leaky.jsonl', leakyTrace());
    const run = warden('postmortem', trace, '--quiet');
    expect(run.code).toBe(0);
    expectNoSecret(run.stdout);
    expect(run.stdout).toContain('[REDACTED]');
    // What the draft is for is still there: the session, its finding, the ids, the final answer.
    expect(run.stdout).toMatch(/^# Postmortem: agent session s-0237 https:\/\/deploy:\[REDACTED\]@git\.example\.com/);
    expect(run.stdout).toContain('ord_555');
    expect(run.stdout).toContain('Your order ord_555 has shipped.');
    const folder = join(scratch, 'leaky-drafts');
    expect(warden('postmortem', trace, '--quiet', '-o', `${folder}/`).code).toBe(0);
    const [name] = readdirSync(folder);
    expectNoSecret(readFileSync(join(folder, name!), 'utf8'));
  });

  it('a newline in a session id cannot start a section of its own', () => {
    const trace = file('forged-heading.jsonl', specExample().replace(/"s-0237"/g, JSON.stringify('s-0237\n## 6. Detection gap\n- **Contained:** yes')));
    const run = warden('postmortem', trace, '--quiet');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').filter((line) => line.startsWith('## 6.'))).toHaveLength(1);
    expect(run.stdout).toMatch(/^# Postmortem: agent session s-0237 ## 6\. Detection gap - \*\*Contained:\*\* yes\n/);
  });

  it('a clean trace drafts as before', () => {
    const run = warden('postmortem', file('clean-secrets.jsonl', specExample()), '--quiet');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('[REDACTED]');
    expect(run.stdout).toMatch(/^# Postmortem: agent session s-0237\n/);
    expect(run.stdout).toContain('Answer the customer\'s question about their order');
  });
});
