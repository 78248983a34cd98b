import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** A JSON-RPC message as the relay handles it: only its envelope is looked at. */
export interface RpcMessage {
  jsonrpc: '2.0';
  id?: string | number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
}

export type RpcShape = 'request' | 'notification' | 'response';

/**
 * MCP's request ids: strings or integers. The official SDKs ignore a request whose id is 1.5 or past
 * 2^53 (JavaScript would round it: two requests could share one), or whose params are an array, as
 * malformed: the relay must not take one as a request to track and answer later.
 */
export const isRequestId = (id: unknown): id is string | number => typeof id === 'string' || Number.isSafeInteger(id);
const isId = isRequestId;
const isParams = (params: unknown) => params === undefined || (typeof params === 'object' && params !== null && !Array.isArray(params));

/**
 * Which kind of JSON-RPC 2.0 message a parsed value is, or `undefined` when it is none. Checks the
 * envelope only (what a relay needs), in constant time: the receiving SDK validates the rest.
 */
export function jsonRpcShape(value: unknown): RpcShape | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const message = value as Record<string, unknown>;
  if (message.jsonrpc !== '2.0') return undefined;
  if (typeof message.method === 'string') {
    if (!isParams(message.params)) return undefined;
    if (message.id === undefined) return 'notification';
    return isId(message.id) ? 'request' : undefined;
  }
  if ('result' in message) return isId(message.id) && typeof message.result === 'object' && message.result !== null ? 'response' : undefined;
  if ('error' in message) {
    const error = message.error as { code?: unknown; message?: unknown } | null;
    const validError = typeof error === 'object' && error !== null && typeof error.code === 'number' && typeof error.message === 'string';
    return validError && (isId(message.id) || message.id === null) ? 'response' : undefined;
  }
  return undefined;
}

/** The envelope of an SDK message, for reading without casts. */
export const rpc = (message: JSONRPCMessage): RpcMessage => message as unknown as RpcMessage;

/** An error response. */
export function errorResponse(id: string | number, code: number, message: string, data?: unknown): JSONRPCMessage {
  return { jsonrpc: '2.0', id, error: { code, message, ...(data !== undefined ? { data } : {}) } } as JSONRPCMessage;
}

/** A result response. */
export function resultResponse(id: string | number, result: Record<string, unknown>): JSONRPCMessage {
  return { jsonrpc: '2.0', id, result } as JSONRPCMessage;
}

/** The JSON-RPC code for an internal error. */
export const INTERNAL_ERROR = -32603;
/** The JSON-RPC code for invalid method parameters. */
export const INVALID_PARAMS = -32602;
