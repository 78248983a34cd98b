import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';
import { SchemaRejectedError } from '../schema/compile.js';

const MAX_LISTED_TOOLS = 20;

/** Unknown tools, unusable argument JSON and schema violations, with the JSON path and what was expected. */
export const argumentSchema = defineCheck('argument-schema', ['tool.call'], (event, context) => {
  const call = context.call();
  if (!call.tool) {
    const known = context.session.toolNames();
    const evidence: Record<string, unknown> = { tool: event.tool, knownTools: known.slice(0, MAX_LISTED_TOOLS) };
    let message = `Tool "${event.tool}" is not defined in this session.`;
    // A tool dropped past the session's bound is named as such: the fix is the bound, not the model's call.
    const droppedAt = context.session.droppedToolAt(event.tool);
    const droppedCount = context.session.droppedToolCount();
    if (droppedCount > 0) {
      const maxTools = context.policy.limits.maxTools;
      Object.assign(evidence, { maxTools, knob: 'limits.maxTools', droppedTools: droppedCount }, droppedAt === undefined ? {} : { dropped: true, since: droppedAt });
      message +=
        droppedAt === undefined
          ? ` This session dropped ${droppedCount} listed tool${droppedCount === 1 ? '' : 's'} past its bound of ${maxTools} tools (limits.maxTools); this may be one of them.`
          : ` Its definition (step ${droppedAt}) came past the session's bound of ${maxTools} tools (limits.maxTools) and was dropped; raise limits.maxTools to keep it.`;
    }
    return [flag(AnomalyCode.TOOL_UNKNOWN, event.step, message, evidence)];
  }
  if (call.problem) {
    return [flag(AnomalyCode.TOOL_ARG_MISMATCH, event.step, `Arguments of ${event.tool} are unusable: ${call.problem.detail}.`, { tool: event.tool, ...call.problem })];
  }
  if (!call.tool.validate) {
    // An unusable schema is the guard's problem, not the model's: fail closed through the error path.
    throw new Error(`the input schema of ${event.tool} cannot be used: ${call.tool.schemaError ?? 'unknown reason'}`);
  }
  let problems;
  try {
    problems = call.tool.validate(call.arguments);
  } catch (error) {
    // A schema compiles on first use; one that cannot is reported as above, naming the tool.
    if (error instanceof SchemaRejectedError) throw new Error(`the input schema of ${event.tool} cannot be used: ${error.message}`);
    throw error;
  }
  if (problems.length === 0) return [];
  const first = problems[0]!;
  return [
    flag(AnomalyCode.TOOL_ARG_MISMATCH, event.step, `Arguments of ${event.tool} violate its schema at ${first.path}: expected ${first.expected}.`, {
      tool: event.tool,
      problems,
    }),
  ];
});
