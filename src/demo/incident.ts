import type { ToolDefinition } from '../trace/events.js';
import { createGuard } from '../guard.js';
import type { TraceSink } from '../trace/sink.js';
import type { Decision } from '../decision.js';

/** The order service behind the demo: a tiny in-memory database. */
const ORDERS: Record<string, { order_id: string; customer_id: string; status: string; total: string }> = {
  ord_1001: { order_id: 'ord_1001', customer_id: 'cust_789', status: 'shipped', total: '$42.10' },
  ord_555: { order_id: 'ord_555', customer_id: 'cust_123', status: 'shipped', total: '$980.00' },
};

export const DEMO_TOOLS: ToolDefinition[] = [
  {
    name: 'list_orders',
    description: "List a customer's orders.",
    input_schema: { type: 'object', properties: { customer_id: { type: 'string', pattern: '^cust_[0-9]+$' } }, required: ['customer_id'], additionalProperties: false },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'get_order',
    description: 'Fetch one order.',
    input_schema: { type: 'object', properties: { order_id: { type: 'string', pattern: '^ord_[0-9]+$' } }, required: ['order_id'], additionalProperties: false },
    annotations: { readOnlyHint: true },
  },
];

export interface DemoStep {
  label: string;
  decision?: Decision;
  detail?: string;
}

/**
 * The 2:37am incident from the playbook, with the guard in the loop: the scripted model invents
 * ord_555 at its second turn; the guard refuses the call, the model recovers with a lookup.
 */
export async function runIncidentDemo(sink?: TraceSink, report: (step: DemoStep) => void = () => {}): Promise<{ sessionId: string; blockedStep: number | undefined }> {
  const guard = createGuard({ tools: DEMO_TOOLS, ...(sink ? { sink } : {}) });
  const session = await guard.startSession({
    sessionId: 's-0237',
    goal: "Answer the customer's question about their order",
    entities: { customer_id: 'cust_789' },
  });
  report({ label: 'session.start  customer_id=cust_789 (step 0 validation)', decision: session.startDecision });

  const listOrders = session.wrapTool('list_orders', async ({ customer_id }: { customer_id: string }) =>
    Object.values(ORDERS).filter((order) => order.customer_id === customer_id).map((order) => order.order_id),
  );
  const getOrder = session.wrapTool('get_order', async ({ order_id }: { order_id: string }) => ORDERS[order_id] ?? { error: 'not found' });

  await session.message('system', 'You are the order assistant. Use tools to answer.');
  await session.message('user', 'Hi, this is cust_789. Has my last order shipped?');
  report({ label: 'user: "Hi, this is cust_789. Has my last order shipped?"' });

  // The model's first turn: it invents an order id instead of looking one up.
  await session.modelCall({ model: 'gpt-4o-2024-08-06', inputTokens: 612, outputTokens: 31, finishReasons: ['tool_calls'], toolCalls: [{ id: 'c1', name: 'get_order', arguments: { order_id: 'ord_555' } }] });
  report({ label: 'model -> get_order({order_id: "ord_555"})   (ord_555 appeared nowhere before)' });
  let blockedStep: number | undefined;
  const first = await session.beforeToolCall({ callId: 'c1', tool: 'get_order', arguments: { order_id: 'ord_555' } });
  if (!first.proceed) blockedStep = first.step;
  report({ label: 'guard decision on get_order(ord_555)', decision: first, detail: first.refusal?.hint });

  // Given the refusal, the model looks the customer's orders up instead.
  await session.modelCall({ model: 'gpt-4o-2024-08-06', inputTokens: 690, outputTokens: 28, finishReasons: ['tool_calls'], toolCalls: [{ id: 'c2', name: 'list_orders', arguments: { customer_id: 'cust_789' } }] });
  const orders = await listOrders({ customer_id: 'cust_789' }, 'c2');
  report({ label: `model -> list_orders({customer_id: "cust_789"}) -> ${JSON.stringify(orders)}` });

  await session.modelCall({ model: 'gpt-4o-2024-08-06', inputTokens: 720, outputTokens: 25, finishReasons: ['tool_calls'], toolCalls: [{ id: 'c3', name: 'get_order', arguments: { order_id: 'ord_1001' } }] });
  const order = await getOrder({ order_id: 'ord_1001' }, 'c3');
  report({ label: `model -> get_order({order_id: "ord_1001"}) -> ${JSON.stringify(order)}` });

  const answer = 'Your order ord_1001 has shipped.';
  await session.modelCall({ model: 'gpt-4o-2024-08-06', inputTokens: 780, outputTokens: 12, finishReasons: ['stop'], text: answer });
  await session.message('assistant', answer);
  await session.end('completed', answer);
  report({ label: `model: "${answer}"` });
  return { sessionId: session.id, blockedStep };
}
