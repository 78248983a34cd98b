import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';

/** Dropped names a flag lists by name, at most (its count says how many in all). */
const MAX_LISTED = 20;

/**
 * A tool list naming new tools past the session's bound (`limits.maxTools`): the session keeps every tool it
 * knows and drops the new names past the bound, so a server relisting ever new names cannot grow it. One
 * flag per list says how many were dropped, the bound, and the knob that raises it; their calls are refused.
 */
export const toolLimit = defineCheck('tool-limit', ['tool.definitions'], (event, context) => {
  const { dropped, count } = context.definitions();
  if (dropped.length === 0) return [];
  const maxTools = context.policy.limits.maxTools;
  const listed = dropped.slice(0, MAX_LISTED).map((name) => JSON.stringify(name));
  const more = dropped.length > MAX_LISTED ? ` and ${dropped.length - MAX_LISTED} more` : '';
  return [
    flag(
      AnomalyCode.TOOL_LIMIT_EXCEEDED,
      event.step,
      `The tool list named ${dropped.length} new tool${dropped.length === 1 ? '' : 's'} past this session's bound of ${maxTools} tools (limits.maxTools): ${listed.join(', ')}${more} ${dropped.length === 1 ? 'was' : 'were'} dropped and cannot be called; the ${count} tools already kept are unchanged. Raise limits.maxTools to keep more.`,
      { dropped: dropped.length, maxTools, kept: count, knob: 'limits.maxTools', tools: dropped.slice(0, MAX_LISTED) },
    ),
  ];
});
