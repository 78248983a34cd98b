import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';

/** A subagent's output is untrusted input: it must satisfy the schema declared for it before it goes downstream. */
export const untrustedOutput = defineCheck('untrusted-output', ['subagent.output'], (event, context) => {
  const validate = context.subagentSchema(event);
  if (!validate) return [];
  const problems = validate(context.content().parsed);
  if (problems.length === 0) return [];
  const first = problems[0]!;
  const who = event.agent ? `Subagent ${event.agent}` : 'Subagent';
  return [
    flag(AnomalyCode.UNTRUSTED_OUTPUT, event.step, `${who} output fails its declared schema at ${first.path}: expected ${first.expected}.`, {
      ...(event.agent ? { agent: event.agent } : {}),
      ...(event.call_id ? { callId: event.call_id } : {}),
      problems,
    }),
  ];
});
