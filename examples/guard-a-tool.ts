/**
 * The smallest useful integration: a hand-written agent loop, one guarded tool.
 * Run: npm run build && node dist/examples/guard-a-tool.js
 */
import { createGuard } from 'agent-warden';

const orders: Record<string, { customer_id: string; status: string }> = {
  ord_1001: { customer_id: 'cust_789', status: 'shipped' },
};

const guard = createGuard({
  tools: [
    {
      name: 'get_order',
      description: 'Fetch one order by id.',
      inputSchema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
      annotations: { readOnlyHint: true },
    },
  ],
  policy: { budget: { maxTokens: 50_000 } },
});

const session = await guard.startSession({ entities: { customer_id: 'cust_789' } });
await session.message('user', 'Hi, I am cust_789. Did order ord_1001 ship?');

const getOrder = session.wrapTool('get_order', async ({ order_id }: { order_id: string }) => orders[order_id] ?? { error: 'not found' });

// What a model might ask for: one real id, one it made up.
for (const order_id of ['ord_1001', 'ord_555']) {
  const answer = await getOrder({ order_id });
  console.log(`get_order(${order_id}) ->`, JSON.stringify(answer));
}
