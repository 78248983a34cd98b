import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';

function sameGoal(a: string, b: string): boolean {
  const normalize = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();
  return normalize(a) === normalize(b);
}

/** The stated goal rewritten by anyone but the user: the agent's self-model is being changed. */
export const contextDrift = defineCheck('context-drift', ['goal.update'], (event, context) => {
  const previous = context.session.goal;
  if (event.source === 'user' || previous === undefined || sameGoal(previous, event.goal)) return [];
  return [
    flag(AnomalyCode.CONTEXT_DRIFT, event.step, `Goal rewritten by ${event.source}, not the user: ${JSON.stringify(previous)} -> ${JSON.stringify(event.goal)}.`, {
      source: event.source,
      previous,
      goal: event.goal,
    }),
  ];
});
