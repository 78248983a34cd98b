/**
 * agent-warden/mcp: guard an MCP server's tools in process, or any server through the proxy.
 */
export { guardMcpServer } from './server.js';
export type { ConnectableServer } from './server.js';
export { McpGuard, refusalResult, ENTITIES_META_KEY, REFUSAL_META_KEY } from './guarded-tools.js';
export type { McpGuardOptions, CallToolParams, PauseQuestion, AdmittedCall, AdmittedSampling } from './guarded-tools.js';
export { GuardedRelay } from './relay.js';
export type { RelayOptions } from './relay.js';
export { FramedStdioTransport, DEFAULT_MAX_FRAME_BYTES, FRAME_TOO_LARGE } from './framed-stdio.js';
export type { FramedStdioOptions } from './framed-stdio.js';
export { startProxy } from './proxy.js';
export type { ProxyOptions, RunningProxy, ProxySession, ProxyEnd } from './proxy.js';
export type { UpstreamExit } from './upstream.js';
