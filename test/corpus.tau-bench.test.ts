import { beforeAll, describe, expect, it } from 'vitest';
import { asJsonl, convertRun, loadAirlineRuns, loadAirlineTools, runSessionId, type TauRun } from './helpers/tau-bench.js';
import { replayTrace, type ReplayReport } from '../src/forensics/index.js';

/** Real agent runs nobody here wrote: the guard must stop only what is really wrong in them. */
describe('tau-bench airline runs, replayed through the guard with no configuration', () => {
  let runs: TauRun[];
  let report: ReplayReport;
  /** Model texts checked for invented ids, how many id-shaped mentions they held, and which were flagged. */
  const modelText = { texts: 0, successfulTexts: 0, flagged: [] as Array<{ session: string; step: number; id: unknown }> };
  const tools = loadAirlineTools();
  const stops = (sessionIds: Set<string>) =>
    report.sessions
      .filter((session) => sessionIds.has(session.session_id))
      .flatMap((session) => session.decisions.filter((decision) => decision.action !== 'allow' && decision.action !== 'warn').map((decision) => ({ session: session.session_id, ...decision })));

  beforeAll(async () => {
    runs = loadAirlineRuns();
    const successful = new Set(runs.filter((run) => run.reward === 1).map(runSessionId));
    report = await replayTrace(asJsonl(runs.flatMap((run) => convertRun(run, tools))), {}, {
      onEvent(event, decision) {
        if (event.type !== 'llm.call' || !event.output.text) return;
        modelText.texts += 1;
        if (!successful.has(event.session_id)) return;
        modelText.successfulTexts += 1;
        for (const flag of decision.flags.filter((candidate) => candidate.evidence?.in === 'model_text')) {
          modelText.flagged.push({ session: event.session_id, step: event.step, id: flag.evidence?.id });
        }
      },
    });
  }, 60_000);

  it('replays all 200 runs and 1,164 tool calls without a broken line', () => {
    expect(report.problems).toEqual([]);
    expect(report.sessions).toHaveLength(200);
    const toolCalls = report.sessions.flatMap((session) => session.decisions.filter((decision) => decision.step >= 0)).length;
    expect(toolCalls).toBeGreaterThanOrEqual(1_164);
  });

  it('stops none of the legitimate calls in successful runs: only the 4 invented payment ids and the one real loop', () => {
    const successful = new Set(runs.filter((run) => run.reward === 1).map(runSessionId));
    expect(stops(successful)).toEqual([
      { session: 'task26-trial0', step: expect.any(Number), tool: 'update_reservation_flights', action: 'block', flags: ['ENTITY_HALLUCINATION'] },
      { session: 'task20-trial1', step: expect.any(Number), tool: 'update_reservation_flights', action: 'block', flags: ['ENTITY_HALLUCINATION'] },
      { session: 'task13-trial2', step: expect.any(Number), tool: 'update_reservation_flights', action: 'pause', flags: ['LOOP_DETECTED'] },
      { session: 'task13-trial2', step: expect.any(Number), tool: 'transfer_to_human_agents', action: 'pause', flags: ['SESSION_PAUSED'] },
      { session: 'task26-trial2', step: expect.any(Number), tool: 'update_reservation_flights', action: 'block', flags: ['ENTITY_HALLUCINATION'] },
      { session: 'task20-trial3', step: expect.any(Number), tool: 'update_reservation_flights', action: 'block', flags: ['ENTITY_HALLUCINATION'] },
    ]);
  });

  it('flags exactly the invented payment ids', () => {
    const successful = new Set(runs.filter((run) => run.reward === 1).map(runSessionId));
    const ids = new Map<string, string>();
    for (const run of runs.filter((candidate) => successful.has(runSessionId(candidate)))) {
      const events = convertRun(run, tools);
      for (const session of report.sessions.filter((candidate) => candidate.session_id === runSessionId(run))) {
        for (const decision of session.decisions.filter((candidate) => candidate.flags.includes('ENTITY_HALLUCINATION'))) {
          const call = events.find((event) => event.step === decision.step);
          ids.set(session.session_id, call?.type === 'tool.call' && typeof call.arguments === 'object' ? String(call.arguments.payment_id) : '?');
        }
      }
    }
    expect(Object.fromEntries(ids)).toEqual({
      'task26-trial0': 'credit_card_7334',
      'task26-trial2': 'credit_card_7334',
      'task20-trial1': 'credit_card_5634230',
      'task20-trial3': 'credit_card_5634230',
    });
  });

  it('pauses the 4th of the four near-identical update_reservation_flights calls of task 13, trial 2', () => {
    const run = runs.find((candidate) => candidate.task_id === 13 && candidate.trial === 2)!;
    const events = convertRun(run, tools);
    const updates = events.filter((event) => event.type === 'tool.call' && event.tool === 'update_reservation_flights').map((event) => event.step);
    const decisions = report.sessions.find((session) => session.session_id === 'task13-trial2')!.decisions;
    expect(updates.map((step) => decisions.find((decision) => decision.step === step)!.action)).toEqual(['allow', 'allow', 'allow', 'pause']);
  });

  it('flags no assistant message of a successful run for an invented id (figure reported in the README)', () => {
    console.info(`model texts checked: ${modelText.texts}; in successful runs: ${modelText.successfulTexts}; flagged there: ${modelText.flagged.length}`);
    expect(modelText.successfulTexts).toBeGreaterThan(500);
    expect(modelText.flagged).toEqual([]);
  });
});
