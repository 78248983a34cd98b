import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';
import { SchemaRejectedError } from '../schema/compile.js';

const MAX_LISTED_TOOLS = 20;

/** Unknown tools, unusable argument JSON and schema violations, with the JSON path and what was expected. */
export const argumentSchema = defineCheck('argument-schema', ['tool.call'], (event, context) => {
  const call = context.call();
  if (!call.tool) {
    const known = context.session.toolNames();
    return [
      flag(AnomalyCode.TOOL_UNKNOWN, event.step, `Tool "${event.tool}" is not defined in this session.`, {
        tool: event.tool,
        knownTools: known.slice(0, MAX_LISTED_TOOLS),
      }),
    ];
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
