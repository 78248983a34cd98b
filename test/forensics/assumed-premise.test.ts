import { describe, expect, it } from 'vitest';
import { triageTrace } from '../../src/forensics/index.js';
import { model, session, user, writeTrace } from '../helpers/trace.js';

const start = { type: 'session.start', goal: 'How many more people live in Seattle than in Colville?' };
const orchestrator = (text: string) => model({ text }, { agent: 'Orchestrator' });
const subagent = (agent: string, content: string) => ({ type: 'subagent.output', agent, content });

async function triageOf(events: Array<Record<string, unknown>>) {
  const [triage] = (await triageTrace(writeTrace(session('multi', events)))).sessions;
  return triage!;
}

describe('triage of free-text multi-agent sessions: an agent that goes on with data it did not obtain', () => {
  it('takes the subagent that simulated the figures as the fault origin, and names it', async () => {
    const triage = await triageOf([
      start,
      user('How many more people live in Seattle than in Colville?'),
      orchestrator('Plan: Census_Expert finds both populations, Computer_terminal subtracts.'),
      subagent('Census_Expert', 'The census site keeps timing out. As an alternative, we can simulate the population figures: Seattle 737,015, Colville 4,965.'),
      subagent('Computer_terminal', 'exitcode: 0 (execution succeeded)\nCode output: 732050'),
      orchestrator('FINAL ANSWER: 732,050'),
    ]);
    expect(triage).toMatchObject({ mode: 'hallucination_propagation', fault_origin: { step: 3, type: 'subagent.output', agent: 'Census_Expert' }, cascade: [3] });
    expect(triage.flags).toEqual([{ code: 'ASSUMED_PREMISE', step: 3, message: expect.stringContaining('we can simulate the population figures') }]);
  });

  it('finds the main agent\'s own placeholder data too', async () => {
    const triage = await triageOf([start, orchestrator("Let's assume Seattle has 700,000 people for now."), subagent('Computer_terminal', 'Code output: 695035'), orchestrator('FINAL ANSWER: 695,035')]);
    expect(triage).toMatchObject({ mode: 'hallucination_propagation', fault_origin: { step: 1, type: 'llm.call', agent: 'Orchestrator' } });
  });

  it('is honest on the same session with the figures retrieved: mode none, no origin', async () => {
    const triage = await triageOf([
      start,
      user('How many more people live in Seattle than in Colville?'),
      orchestrator('Plan: Census_Expert finds both populations, Computer_terminal subtracts.'),
      subagent('Census_Expert', 'From data.census.gov (2020 Census): Seattle 737,015, Colville 4,673.'),
      subagent('Computer_terminal', 'exitcode: 0 (execution succeeded)\nCode output: 732342'),
      orchestrator('FINAL ANSWER: 732,342'),
    ]);
    expect(triage).toMatchObject({ mode: 'none', fault_origin: null, flags: [] });
  });

  it('does not take the words of a page an agent quotes: a paper\'s "we assume", a site\'s placeholder images', async () => {
    const triage = await triageOf([
      start,
      subagent('WebSurfer', 'Here is a screenshot of the paper. OCR: "We assume that in any other emission band the fluence is constant."'),
      subagent('WebSurfer', 'Here is a screenshot of the listing page. Placeholder Images: (no text on placeholder images). Hypothetical Growth of $10,000.'),
      orchestrator('FINAL ANSWER: 12'),
    ]);
    expect(triage).toMatchObject({ mode: 'none', fault_origin: null });
  });

  it("reads only agents' text: an assumption the user asked for is not a finding", async () => {
    const triage = await triageOf([start, user("Let's assume Seattle has 700,000 people. How many more than Colville's 4,965?"), subagent('Computer_terminal', 'Code output: 695035'), orchestrator('FINAL ANSWER: 695,035')]);
    expect(triage).toMatchObject({ mode: 'none', fault_origin: null });
  });

  it("leaves a single model's \"I'll assume you mean\" to a user alone: the finding is about premises passed between agents", async () => {
    const [triage] = (await triageTrace(writeTrace(session('chat', [start, user('Book me a flight to Boston.'), model({ text: "I'll assume you mean economy; which day?" })])))).sessions;
    expect(triage).toMatchObject({ mode: 'none', fault_origin: null, flags: [] });
  });
});
