/**
 * The OpenTelemetry GenAI semantic-convention names this package emits, copied here as the
 * conventions advise (the incubating constants in @opentelemetry/semantic-conventions are deprecated).
 */
export const ATTR = {
  OPERATION_NAME: 'gen_ai.operation.name',
  PROVIDER_NAME: 'gen_ai.provider.name',
  REQUEST_MODEL: 'gen_ai.request.model',
  RESPONSE_MODEL: 'gen_ai.response.model',
  RESPONSE_FINISH_REASONS: 'gen_ai.response.finish_reasons',
  USAGE_INPUT_TOKENS: 'gen_ai.usage.input_tokens',
  USAGE_OUTPUT_TOKENS: 'gen_ai.usage.output_tokens',
  CONVERSATION_ID: 'gen_ai.conversation.id',
  AGENT_NAME: 'gen_ai.agent.name',
  TOOL_NAME: 'gen_ai.tool.name',
  TOOL_CALL_ID: 'gen_ai.tool.call.id',
  TOOL_TYPE: 'gen_ai.tool.type',
  TOOL_DESCRIPTION: 'gen_ai.tool.description',
  INPUT_MESSAGES: 'gen_ai.input.messages',
  OUTPUT_MESSAGES: 'gen_ai.output.messages',
  TOOL_DEFINITIONS: 'gen_ai.tool.definitions',
  TOOL_CALL_ARGUMENTS: 'gen_ai.tool.call.arguments',
  TOOL_CALL_RESULT: 'gen_ai.tool.call.result',
  ERROR_TYPE: 'error.type',
  /** Custom, from the playbook: on every span. */
  SESSION_ID: 'session_id',
  STEP_NUMBER: 'step_number',
  /** The session's type (`startSession({ type })`), on every span of a typed session. */
  SESSION_TYPE: 'session_type',
  ANOMALY_FLAGS: 'anomaly_flags',
  ANOMALY_FLAGS_JSON: 'anomaly_flags_json',
  GUARD_ACTION: 'agent_warden.action',
} as const;

export const OPERATION = { CHAT: 'chat', EXECUTE_TOOL: 'execute_tool', INVOKE_AGENT: 'invoke_agent' } as const;
