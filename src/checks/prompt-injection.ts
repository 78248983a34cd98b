import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';
import type { TraceEvent } from '../trace/events.js';

function channel(event: TraceEvent): string {
  switch (event.type) {
    case 'tool.result':
      return `tool ${event.tool}`;
    case 'context.add':
      return `${event.source} content`;
    case 'subagent.output':
      return event.agent ? `subagent ${event.agent}` : 'subagent output';
    default:
      return event.type;
  }
}

/** Content from tools, retrieval, memory or subagents carrying instructions aimed at the agent. */
export const promptInjection = defineCheck('prompt-injection', ['tool.result', 'context.add', 'subagent.output'], (event, context) => {
  const findings = context.content().injections;
  if (findings.length === 0) return [];
  const first = findings[0]!;
  return [
    flag(AnomalyCode.PROMPT_INJECTION, event.step, `${channel(event)} carries instructions aimed at the agent (${first.kind}: ${JSON.stringify(first.excerpt)}).`, {
      channel: channel(event),
      findings: findings.slice(0, 5).map(({ kind, excerpt }) => ({ kind, excerpt })),
    }),
  ];
});
