import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';
import { isTruncated } from '../trace/finish-reasons.js';


/** A model call cut off by its output limit that still produced tool calls: their JSON may be cut mid-object. */
export const truncatedModelCall = defineCheck('truncation', ['llm.call'], (event) => {
  const toolCalls = event.output?.tool_calls ?? [];
  if (toolCalls.length === 0 || !isTruncated(event.finish_reasons)) return [];
  return [
    flag(AnomalyCode.OUTPUT_TRUNCATED, event.step, `Model output hit its length limit while producing ${toolCalls.length} tool call(s); their arguments may be cut off.`, {
      finishReasons: event.finish_reasons,
      toolCalls: toolCalls.map((call) => ({ id: call.id, name: call.name })),
    }),
  ];
});

/** The tool calls of a truncated model call are refused. */
export const truncatedToolCall = defineCheck('truncation-on-tool-call', ['tool.call'], (event, context) => {
  if (!context.session.wasTruncated(event.call_id)) return [];
  const origin = context.session.modelToolCall(event.call_id);
  return [
    flag(AnomalyCode.OUTPUT_TRUNCATED, event.step, `${event.tool} comes from a model output cut off by its length limit${origin ? ` at step ${origin.step}` : ''}; its arguments cannot be trusted.`, {
      tool: event.tool,
      callId: event.call_id,
      ...(origin ? { originStep: origin.step } : {}),
    }),
  ];
});
