/**
 * A small MCP server of order and customer tools, guarded in process by agent-warden.
 * Run: npm run build && node dist/examples/mcp-order-server.js   (speaks MCP on stdio)
 */
import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { guardMcpServer, type McpGuardOptions } from 'agent-warden/mcp';
import { JsonlFileSink } from 'agent-warden/sinks';

const customers: Record<string, { customer_id: string; name: string; email: string }> = {
  cust_1: { customer_id: 'cust_1', name: 'Ada Lovelace', email: 'ada@example.com' },
  cust_2: { customer_id: 'cust_2', name: 'Alan Turing', email: 'alan@example.com' },
};
const orders: Record<string, { order_id: string; customer_id: string; status: string; total: number }> = {
  ord_1001: { order_id: 'ord_1001', customer_id: 'cust_1', status: 'shipped', total: 42.1 },
  ord_1002: { order_id: 'ord_1002', customer_id: 'cust_1', status: 'processing', total: 980 },
  ord_2001: { order_id: 'ord_2001', customer_id: 'cust_2', status: 'delivered', total: 15 },
};

const json = (value: unknown) => ({ content: [{ type: 'text' as const, text: JSON.stringify(value) }] });
const notFound = (what: string) => ({ isError: true, content: [{ type: 'text' as const, text: `${what} not found` }] });

/** The order server, guarded: pass guard options (policy, resolvers, a trace sink). */
export function createOrderServer(guardOptions: McpGuardOptions = {}) {
  const server = new McpServer({ name: 'order-service', version: '1.0.0' });
  const guard = guardMcpServer(server, guardOptions);
  server.registerTool(
    'get_customer',
    { description: 'Look a customer up by id.', inputSchema: { customer_id: z.string().regex(/^cust_[0-9]+$/) }, annotations: { readOnlyHint: true } },
    async ({ customer_id }) => (customers[customer_id] ? json(customers[customer_id]) : notFound(`customer ${customer_id}`)),
  );
  server.registerTool(
    'list_orders',
    { description: "List a customer's orders.", inputSchema: { customer_id: z.string() }, annotations: { readOnlyHint: true } },
    async ({ customer_id }) => json({ customer_id, orders: Object.values(orders).filter((order) => order.customer_id === customer_id).map(({ order_id, status }) => ({ order_id, status })) }),
  );
  server.registerTool(
    'get_order',
    { description: 'Fetch one order.', inputSchema: { order_id: z.string().regex(/^ord_[0-9]+$/) }, annotations: { readOnlyHint: true } },
    async ({ order_id }) => (orders[order_id] ? json(orders[order_id]) : notFound(`order ${order_id}`)),
  );
  server.registerTool(
    'refund_order',
    { description: 'Refund an order, in full or in part.', inputSchema: { order_id: z.string(), amount: z.number().positive() }, annotations: { destructiveHint: true, readOnlyHint: false } },
    async ({ order_id, amount }) => {
      const order = orders[order_id];
      if (!order) return notFound(`order ${order_id}`);
      return json({ refunded: Math.min(amount, order.total), order_id, customer_id: order.customer_id });
    },
  );
  return { server, guard };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const trace = process.env.WARDEN_TRACE;
  const { server } = createOrderServer(trace ? { guard: { sink: new JsonlFileSink(trace) } } : {});
  await server.connect(new StdioServerTransport());
}
