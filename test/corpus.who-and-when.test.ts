import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { accuracyByFolder, loadLogs, triageLogs, type LabelledLog, type LogOutcome } from '../bench/fault-step-accuracy.js';
import { FAILURE_MODES } from '../src/trace/events.js';

/** The lowest-numbered Who&When logs, kept in the repository with their license (see its README). */
const WHO_AND_WHEN = fileURLToPath(new URL('./fixtures/who-and-when', import.meta.url));

/** The agent a converted message is attributed to: its `name`, else its role up to the parenthesis. */
const speaker = (message: { role: string; name?: string }) => message.name ?? message.role.replace(/\s*\(.*\)\s*$/, '');

/** Failed multi-agent runs nobody here wrote, their decisive step labelled: triage must not crash, and says what it finds. */
describe('Who&When failure logs (the fixture subset), converted and triaged', () => {
  let logs: LabelledLog[];
  let outcomes: LogOutcome[];
  let problems: number;

  beforeAll(async () => {
    logs = loadLogs(WHO_AND_WHEN);
    ({ outcomes, problems } = await triageLogs(logs));
  }, 120_000);

  it('converts and triages all 37 logs (12 hand-crafted, 25 algorithm-generated) without a broken line', () => {
    expect(logs.filter((log) => log.name.startsWith('hand-crafted/'))).toHaveLength(12);
    expect(logs.filter((log) => log.name.startsWith('algorithm-generated/'))).toHaveLength(25);
    expect(problems).toBe(0);
    expect(outcomes.map((outcome) => outcome.triage.session_id)).toEqual(logs.map((log) => log.name));
    // One event per message after the start: the last step is the last message.
    expect(outcomes.map((outcome) => outcome.triage.totals.steps)).toEqual(logs.map((log) => log.log.history.length));
  });

  it('names a fault origin only at a message of the log, with the agent that wrote it; otherwise mode none', () => {
    for (const { name, triage, located, messages } of outcomes) {
      expect(FAILURE_MODES, name).toContain(triage.mode);
      if (located === null) {
        expect(triage, name).toMatchObject({ mode: 'none', fault_origin: null, cascade: [] });
        continue;
      }
      expect(located.index, name).toBeGreaterThanOrEqual(0);
      expect(located.index, name).toBeLessThan(messages);
      const message = logs.find((log) => log.name === name)!.log.history[located.index]!;
      expect(located.agent, name).toBe(speaker(message));
      expect(triage.mode, name).not.toBe('none');
      expect(triage.flags.some((flag) => flag.step === triage.fault_origin!.step), name).toBe(true);
    }
  });

  it('never reads the labels: the same triage with mistake_step, mistake_agent and mistake_reason removed', async () => {
    const unlabelled = logs.map(({ name, log }) => {
      const { mistake_step: _step, mistake_agent: _agent, mistake_reason: _reason, ...rest } = log;
      return { name, log: rest as LabelledLog['log'] };
    });
    const again = await triageLogs(unlabelled);
    expect(again.outcomes.map((outcome) => outcome.triage)).toEqual(outcomes.map((outcome) => outcome.triage));
  });

  it('measures step and agent accuracy against the labels, beside the trivial baselines (figures in docs/limitations.md)', () => {
    for (const { name, label, messages } of outcomes) {
      expect(label.index, name).toBeGreaterThanOrEqual(0);
      expect(label.index, name).toBeLessThan(messages);
    }
    const rows = accuracyByFolder(outcomes);
    console.info('Who&When fixture subset: fault step and agent against the labels');
    console.table(rows);
    const all = rows.filter((row) => row.logs_from === 'all');
    const [triage, firstAgent, secondAgent] = all;
    expect(triage).toMatchObject({ method: 'warden triage', logs: 37 });
    expect(triage!.named).toBe(outcomes.filter((outcome) => outcome.located !== null).length);
    expect(triage!['exact step']).toBeLessThanOrEqual(triage!.named);
    // The baselines name a step for every log here (each has messages of two agents or more); triage only on a finding.
    expect(firstAgent).toMatchObject({ method: 'baseline: first agent message', named: 37 });
    expect(secondAgent).toMatchObject({ method: 'baseline: first message of a second agent', named: 37 });
  });
});
