import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RotatingJsonlSink } from '../../src/trace/sinks.js';
import { cleanOrderChat, inventedRefundChat } from '../helpers/trace.js';
import { file, warden } from '../helpers/cli.js';

const at = (day: number, minute: number) => new Date(Date.parse('2026-11-20T09:00:00Z') + day * 86_400_000 + minute * 60_000).toISOString();

describe('operations through the CLI', () => {
  it('replays and triages a rotated, compressed trace folder, grouping one failure seen on three days', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'warden-retained-'));
    let now = Date.parse('2026-11-20T09:00:00Z');
    const sink = new RotatingJsonlSink({ directory, clock: () => now });
    for (let day = 0; day < 3; day += 1) {
      now = Date.parse(at(day, 0));
      for (const event of [...cleanOrderChat(`ok-${day}`, at(day, 0)), ...inventedRefundChat(`bad-${day}`, at(day, 0))]) sink.write(event);
    }
    await sink.close();
    expect(readdirSync(directory).every((name) => name.endsWith('.jsonl.gz'))).toBe(true);
    expect(readdirSync(directory)).toHaveLength(3);

    const replay = warden('replay', '--json', directory);
    expect(replay.code).toBe(0);
    expect((JSON.parse(replay.stdout) as unknown[]).length).toBe(6);

    const triage = warden('triage', '--json', directory);
    expect(triage.code).toBe(0);
    const report = JSON.parse(triage.stdout) as { incidents: Array<{ count: number; first_seen: string; last_seen: string; example_session: string; escalation: { level: string } }>; baselines: Array<{ session_type: string; sessions: number }> };
    expect(report.incidents).toHaveLength(1);
    expect(report.incidents[0]).toMatchObject({ count: 3, first_seen: at(0, 0), last_seen: at(2, 0), example_session: 'bad-0', escalation: { level: 'postmortem' } });
    expect(report.baselines).toEqual([expect.objectContaining({ session_type: 'support-chat', sessions: 6 })]);

    const readable = warden('triage', directory);
    expect(readable.stdout).toMatch(/incidents: 1 failure pattern\(s\) among 6 session\(s\)/);
    expect(readable.stdout).toMatch(/3 x hallucination propagation \(ENTITY_HALLUCINATION -> refund_order/);
    expect(readable.stdout).toMatch(/next\s+full postmortem: external action taken after the origin .*; same pattern in 3 sessions/);
  });

  it('triages several trace files together: the same pattern in two files is one group', () => {
    const first = file('ops-a.jsonl', inventedRefundChat('a-1', at(0, 0)).map((event) => JSON.stringify(event)).join('\n'));
    const second = file('ops-b.jsonl', inventedRefundChat('b-1', at(1, 0)).map((event) => JSON.stringify(event)).join('\n'));
    const run = warden('triage', '--json', first, second);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { incidents: Array<{ count: number; sessions: string[] }> };
    expect(report.incidents).toEqual([expect.objectContaining({ count: 2, sessions: ['a-1', 'b-1'] })]);
  });
});
