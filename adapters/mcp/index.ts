/**
 * agent-warden/mcp: guard an MCP server's tools in process, or any server through the proxy.
 */
export { guardMcpServer } from './server.js';
export { McpGuard, refusalResult, ENTITIES_META_KEY, REFUSAL_META_KEY } from './guarded-tools.js';
export type { McpGuardOptions, CallToolParams } from './guarded-tools.js';
export { FramedStdioTransport, DEFAULT_MAX_FRAME_BYTES } from './framed-stdio.js';
export type { FramedStdioOptions } from './framed-stdio.js';
export { startProxy } from './proxy.js';
export type { ProxyOptions, RunningProxy } from './proxy.js';
