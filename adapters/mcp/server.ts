import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import { McpGuard, type McpGuardOptions } from './guarded-tools.js';
import { GuardedRelay } from './relay.js';

/** What guardMcpServer needs of a server: `connect(transport)`, public in the SDK's v1 and v2 lines alike. */
export interface ConnectableServer {
  connect(transport: never): Promise<void>;
}

/** A v1 or v2 `McpServer` holds its low-level `Server` in the public `server` field. */
function lowLevel(server: ConnectableServer): ConnectableServer {
  const inner = (server as { server?: unknown }).server;
  return typeof inner === 'object' && inner !== null && typeof (inner as ConnectableServer).connect === 'function' ? (inner as ConnectableServer) : server;
}

type MessageHandler = (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

/**
 * Puts the guard between a transport and the server about to use it, in place (the transport keeps its
 * identity, session id and every other feature): messages the client sends go through the relay before
 * the server's handler sees them, and what the server sends goes through the relay before the transport.
 */
function interpose(transport: Transport, mcpGuard: McpGuard): void {
  const send = transport.send.bind(transport);
  const start = transport.start.bind(transport);
  let key: string | undefined;
  let serverHandler: MessageHandler | undefined;
  const relay = new GuardedRelay({
    guard: mcpGuard,
    // A transport with MCP session ids (Streamable HTTP) has its id by the time initialize arrives.
    sessionKey: () => (key ??= transport.sessionId ?? McpGuard.connectionKey()),
    toClient: (message, options) => send(message, options),
    toServer: async (message, extra) => serverHandler?.(message, extra),
    // The handler gets arguments it may change, as unguarded; the guard keeps its own frozen snapshot.
    copyArguments: true,
  });
  transport.send = (message: JSONRPCMessage, options?: TransportSendOptions) => relay.fromServer(message, options);
  // The SDK's connect installs its handlers, then calls start(): take them over just before messages can flow.
  transport.start = async () => {
    serverHandler = transport.onmessage as MessageHandler | undefined;
    transport.onmessage = (message: JSONRPCMessage, extra?: MessageExtraInfo) => relay.fromClient(message, extra);
    const onclose = transport.onclose;
    transport.onclose = () => {
      onclose?.();
      void relay.close();
    };
    return start();
  };
}

/**
 * Runs every tool of an MCP server through the guard, in process: tools/list definitions are pinned as
 * clients see them, every tools/call is checked before the server runs it and its result before the
 * client gets it, sampling requests are counted and scanned, and pauses are put to the user through
 * elicitation when the client supports it. It works at the transport: every `connect` after this call
 * is guarded, whatever the server registers and whenever. Works for `McpServer` and the low-level
 * `Server`, of the SDK's v1 line (`@modelcontextprotocol/sdk`) and v2 line (`@modelcontextprotocol/server`).
 * @example
 * const server = new McpServer({ name: 'orders', version: '1.0.0' });
 * guardMcpServer(server, { guard: { policy } });
 * server.registerTool('get_order', { inputSchema: { order_id: z.string() }, annotations: { readOnlyHint: true } }, handler);
 * await server.connect(new StdioServerTransport());
 */
export function guardMcpServer(server: ConnectableServer, options: McpGuardOptions = {}): McpGuard {
  const low = lowLevel(server);
  if ((low as { transport?: unknown }).transport !== undefined) {
    throw new Error('agent-warden/mcp: call guardMcpServer before connecting the server: a connection already open would not be guarded');
  }
  const mcpGuard = new McpGuard(options);
  const connect = low.connect.bind(low) as (transport: Transport) => Promise<void>;
  (low as { connect: (transport: Transport) => Promise<void> }).connect = (transport: Transport) => {
    interpose(transport, mcpGuard);
    return connect(transport);
  };
  return mcpGuard;
}
