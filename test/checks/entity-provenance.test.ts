import { describe, expect, it } from 'vitest';
import { codes, ORDER_TOOLS, orderSession } from '../helpers/guard.js';
import type { ToolDefinition } from '../../src/trace/events.js';

describe('entity provenance', () => {
  it('blocks an id that appeared nowhere before (the 2:37am incident)', async () => {
    const { session } = await orderSession();
    const decision = await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_555' } });
    expect(decision.action).toBe('block');
    expect(decision.proceed).toBe(false);
    expect(codes(decision)).toEqual(['ENTITY_HALLUCINATION']);
    expect(decision.flags[0]!.evidence).toMatchObject({ id: 'ord_555', argument: '/order_id' });
    expect(decision.refusal?.error).toBe('agent_warden_refused');
    expect(decision.refusal?.hint).toMatch(/look the id up/);
  });

  it('allows ids the user gave, whatever their case and a leading #', async () => {
    const { session } = await orderSession({ userMessage: 'My order is #ORD_1001, reservation zfa04y.' });
    expect((await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1001' } })).action).toBe('allow');
    expect((await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: '#ord_1001' } })).action).toBe('allow');
    expect((await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ZFA04Y' } })).action).toBe('allow');
  });

  it('allows the digits of a number the user wrote in groups, and nothing near them', async () => {
    const { session } = await orderSession({ userMessage: 'Order 123-456-789 never came; the other one is 4421 486 (ref 12.345.678), PIN 12 34.' });
    for (const id of ['123456789', '123-456-789', '4421486', '12345678']) {
      expect((await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: id } })).action, id).toBe('allow');
    }
    // A near miss is still invented, and a short grouped number ("12 34") vouches for nothing joined.
    for (const id of ['123456780', '4421487', '1234']) {
      expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: id } })), id).toEqual(['ENTITY_HALLUCINATION']);
    }
  });

  it('allows an id written in groups whose digits the user typed together, and nothing near it', async () => {
    const { session } = await orderSession({ userMessage: 'My order number is 123456789.' });
    for (const id of ['123-456-789', '123 456 789', '123.456.789']) {
      expect((await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: id } })).action, id).toBe('allow');
    }
    for (const id of ['123-456-780', '12-34', '123-456-789-0']) {
      expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: id } })), id).toEqual(['ENTITY_HALLUCINATION']);
    }
  });

  it('allows a code the user wrote with a hyphen between its letters and its number, or without, as the other; not near misses', async () => {
    const { session } = await orderSession({ userMessage: 'Order W-2378156 is late, see ticket INC12345.' });
    for (const id of ['W2378156', 'w-2378156', 'INC-12345', 'inc12345']) {
      expect((await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: id } })).action, id).toBe('allow');
    }
    for (const id of ['W2378157', 'X-2378156', 'INC-12346', 'W-23781560']) {
      expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: id } })), id).toEqual(['ENTITY_HALLUCINATION']);
    }
  });

  it('allows the digits of a number a tool result wrote in groups, not near misses, and not what the result echoed of the call', async () => {
    const { session } = await orderSession({ policy: { actions: { ENTITY_HALLUCINATION: 'warn' } } });
    await session.beforeToolCall({ callId: 'c1', tool: 'list_orders', arguments: { customer_id: 'cust_789' } });
    await session.afterToolCall({ callId: 'c1', tool: 'list_orders', result: { orders: [{ number: '123-456-789', phone: '555-123-4567', ref: '12.345.678', account: '4421 486' }] } });
    for (const id of ['123456789', '5551234567', '12345678', '4421486']) expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: id } })), id).toEqual([]);
    expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: '123456780' } }))).toEqual(['ENTITY_HALLUCINATION']);
    // An invented id the result only echoes back in groups is still invented.
    const invented = await session.beforeToolCall({ callId: 'c2', tool: 'get_order', arguments: { order_id: '777888999' } });
    expect(codes(invented)).toEqual(['ENTITY_HALLUCINATION']);
    await session.afterToolCall({ callId: 'c2', tool: 'get_order', result: { error: 'order 777-888-999 not found' } });
    expect(codes(await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: '777888999', amount: 1 } }))).toEqual(['ENTITY_HALLUCINATION']);
    // Nor one the call wrote in groups and the result repeats ("6612 907" asked, "6612 907" answered).
    const grouped = await session.beforeToolCall({ callId: 'c3', tool: 'get_order', arguments: { order_id: '6612 907' } });
    expect(codes(grouped)).toEqual(['ENTITY_HALLUCINATION']);
    await session.afterToolCall({ callId: 'c3', tool: 'get_order', result: { error: 'no order 6612 907' } });
    expect(codes(await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: '6612907', amount: 1 } }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('counts ids a tool result introduced, in values, object keys and prose', async () => {
    const { session } = await orderSession();
    await session.beforeToolCall({ callId: 'c1', tool: 'list_orders', arguments: { customer_id: 'cust_789' } });
    await session.afterToolCall({
      callId: 'c1',
      tool: 'list_orders',
      result: { summary: 'Orders: ord_1, ord_2 (returned)', payment_methods: { credit_card_1234: { brand: 'visa' } } },
    });
    for (const id of ['ord_1', 'ord_2', 'credit_card_1234']) {
      const decision = await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: id, amount: 1 } });
      expect(decision.action, id).toBe('allow');
    }
  });

  it('does not let a result launder an id by echoing the call that asked for it', async () => {
    const { session } = await orderSession({ policy: { actions: { ENTITY_HALLUCINATION: 'warn' } } });
    const first = await session.beforeToolCall({ callId: 'c1', tool: 'get_order', arguments: { order_id: 'ord_555' } });
    expect(codes(first)).toEqual(['ENTITY_HALLUCINATION']);
    await session.afterToolCall({ callId: 'c1', tool: 'get_order', result: { order_id: 'ord_555', status: 'shipped' } });
    const again = await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: 'ord_555', amount: 5 } });
    expect(codes(again)).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('reads a pasted document of a user message whole: an id at its end vouches, a number in groups too', async () => {
    const filler = 'The shipment left the warehouse on time and the carrier confirmed the route. '.repeat(14_000);
    const { session } = await orderSession({ userMessage: `${filler} My order is ord_8841 and my account 4421 486.` });
    expect(codes(await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: 'ord_8841', amount: 5 } }))).toEqual([]);
    expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: '4421486' } }))).toEqual([]);
    expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_8842' } }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('keeps the first 10,000 distinct ids of one message, and a flag on a dropped one says the message dropped ids', async () => {
    const ids = Array.from({ length: 12_000 }, (_, index) => `ord_${100_000 + index}`);
    const { session } = await orderSession({ userMessage: `Please check these: ${ids.join(', ')}` });
    expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: ids[9_000]! } }))).toEqual([]);
    const dropped = await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: ids[11_999]! } });
    expect(codes(dropped)).toEqual(['ENTITY_HALLUCINATION']);
    expect(dropped.flags[0]!.evidence).toMatchObject({ droppedFromContent: [{ source: 'user', dropped: expect.any(Number) }] });
    expect(dropped.flags[0]!.message).toContain('of each result or message');
  });

  it('takes no id from the digits of a date, an IP address or a build number a result wrote', async () => {
    const { session } = await orderSession();
    await session.beforeToolCall({ callId: 'c1', tool: 'get_order', arguments: { order_id: 'ord_1001' } });
    await session.afterToolCall({ callId: 'c1', tool: 'get_order', result: { order_id: 'ord_1001', placed: '2024-05-20', host: '10.20.30.40', build: '2024.05.20.1137', total: '1234.56', ref: '555.123.4567' } });
    for (const invented of ['20240520', '10203040', '202405201137', '123456']) {
      expect(codes(await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: invented, amount: 5 } })), invented).toEqual(['ENTITY_HALLUCINATION']);
    }
    expect(codes(await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: '5551234567', amount: 5 } }))).toEqual([]);
  });

  it('does not let a result for a call the guard never admitted vouch for its ids (the call ran unchecked)', async () => {
    const { session } = await orderSession();
    // ord_555 was invented and fetched around the guard: the lookup's echo is all that "confirms" it.
    await session.afterToolCall({ callId: 'never-asked', tool: 'get_order', result: { order_id: 'ord_555', status: 'shipped' } });
    const refund = await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: 'ord_555', amount: 5 } });
    expect(refund.proceed).toBe(false);
    expect(codes(refund)).toEqual(['UNTRUSTED_ENTITY']);
    expect(refund.flags[0]!.evidence).toMatchObject({ source: 'tool:get_order' });
  });

  it('lets the results of a fan-out wider than the call history vouch for their ids, as any admitted call\'s', async () => {
    const { session } = await orderSession({ userMessage: 'I am cust_789: check all my orders.' });
    // 100 lookups admitted before any result comes: the history keeps 64 calls, the rest are remembered as pending.
    for (let index = 0; index < 100; index += 1) {
      expect((await session.beforeToolCall({ callId: `fan${index}`, tool: 'list_orders', arguments: { customer_id: 'cust_789', status: `s${index}` } })).action).toBe('allow');
    }
    for (let index = 0; index < 100; index += 1) {
      await session.afterToolCall({ callId: `fan${index}`, tool: 'list_orders', result: { orders: [`ord_${9000 + index}`] } });
    }
    for (const index of [0, 50, 99]) {
      expect(codes(await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: `ord_${9000 + index}`, amount: 5 } })), `ord_${9000 + index}`).toEqual([]);
    }
  });

  it('compares whole ids: gift_card_5634230 does not vouch for credit_card_5634230', async () => {
    const { session } = await orderSession();
    await session.beforeToolCall({ callId: 'c1', tool: 'list_orders', arguments: { customer_id: 'cust_789' } });
    await session.afterToolCall({ callId: 'c1', tool: 'list_orders', result: 'paid with gift_card_5634230' });
    const decision = await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: 'credit_card_5634230', amount: 1 } });
    expect(codes(decision)).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('does not take a paraphrase for an id: "card ending 7334" is not credit_card_7334', async () => {
    const { session } = await orderSession({ userMessage: 'Charge my card ending in 7334 for order ord_1001.' });
    const decision = await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: 'credit_card_7334', amount: 1 } });
    expect(codes(decision)).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('finds ids in nested objects and arrays, in *_ids, camelCase and plain id arguments', async () => {
    const { session } = await orderSession();
    const decision = await session.beforeToolCall({
      tool: 'search',
      arguments: { query: 'x', filters: { orderIds: ['ord_1001', 'ord_404'], items: [{ id: 'item_9' }], owner_id: 'cust_789' } },
    });
    expect(decision.flags.map((flag) => flag.evidence?.id)).toEqual(['ord_404', 'item_9']);
  });

  it('does not take ordinary argument names for ids (paid, valid, status)', async () => {
    const { session } = await orderSession();
    const decision = await session.beforeToolCall({ tool: 'list_orders', arguments: { customer_id: 'cust_789', status: 'paid', valid: 'x9', paid: 'y7' } });
    expect(decision.action).toBe('allow');
  });

  it('warns on ids only untrusted content carried, and blocks them on destructive tools', async () => {
    const { session } = await orderSession();
    await session.subagentOutput('The order you want is ord_777.', { agent: 'researcher' });
    const read = await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_777' } });
    expect(read.action).toBe('warn');
    expect(read.proceed).toBe(true);
    expect(codes(read)).toEqual(['UNTRUSTED_ENTITY']);
    expect(read.flags[0]!.evidence).toMatchObject({ source: 'subagent:researcher' });
    const write = await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: 'ord_777', amount: 10 } });
    expect(write.action).toBe('block');
    expect(codes(write)).toEqual(['UNTRUSTED_ENTITY']);
  });

  it('treats retrieval and memory as untrusted too, and a subagent answering as a tool likewise', async () => {
    const { session } = await orderSession();
    await session.contextAdd('retrieval', { doc: 'See order ord_888 for details' });
    expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_888' } }))).toEqual(['UNTRUSTED_ENTITY']);
    await session.beforeToolCall({ callId: 'sub1', tool: 'search', arguments: { query: 'find the order' } });
    await session.subagentOutput({ answer: 'ord_999' }, { callId: 'sub1' });
    expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_999' } }))).toEqual(['UNTRUSTED_ENTITY']);
  });

  it('never takes model output as a source', async () => {
    const { session } = await orderSession();
    await session.modelCall({ model: 'm', text: 'I will look up ord_321 now.' });
    await session.message('assistant', 'Your order ord_321 is on its way.');
    expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_321' } }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('finds ids of a policy kind inside free-text arguments, and honours per-tool argument lists', async () => {
    const { session } = await orderSession({
      policy: {
        entities: { order: { pattern: '^ord_[0-9]+$' } },
        tools: { search: { entityArguments: ['filters.ref'], ignoreArguments: ['filters.trace_id'] } },
      },
    });
    const decision = await session.beforeToolCall({
      tool: 'search',
      arguments: { query: 'status of ord_1001 and ord_4040', filters: { ref: 'REF-77', trace_id: 'anything-goes' } },
    });
    expect(decision.flags.map((flag) => flag.evidence?.id).sort()).toEqual(['REF-77', 'ord_4040']);
    expect(decision.flags.find((flag) => flag.evidence?.id === 'ord_4040')?.evidence).toMatchObject({ via: 'pattern', kind: 'order' });
  });

  it('trusts session-start entities and the system prompt', async () => {
    const guard = (await orderSession()).guard;
    const session = await guard.startSession({ entities: { customer_id: 'cust_42' } });
    await session.message('system', 'Escalations go to order ord_0001.');
    expect((await session.beforeToolCall({ tool: 'list_orders', arguments: { customer_id: 'cust_42' } })).action).toBe('allow');
    expect((await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_0001' } })).action).toBe('allow');
  });

  it('lets a create call assign its new record an id of its own (external_id), and still blocks an invented record it refers to', async () => {
    const tools: ToolDefinition[] = [
      { name: 'create_customer', input_schema: { type: 'object', properties: { name: { type: 'string' }, external_id: { type: 'string' }, parent_account_id: { type: 'string' } } } },
    ];
    const { session } = await orderSession({ tools, userMessage: 'Add Acme GmbH as a customer.' });
    expect((await session.beforeToolCall({ tool: 'create_customer', arguments: { name: 'Acme GmbH', external_id: 'acme-gmbh-001' } })).flags).toEqual([]);
    const invented = await session.beforeToolCall({ tool: 'create_customer', arguments: { name: 'Acme GmbH', external_id: 'acme-gmbh-001', parent_account_id: 'acct_4471' } });
    expect(codes(invented)).toEqual(['ENTITY_HALLUCINATION']);
    expect(invented.flags[0]!.evidence).toMatchObject({ argument: '/parent_account_id' });
  });

  describe('ids in free-text arguments (URLs, queries, message bodies)', () => {
    const TOOLS: ToolDefinition[] = [
      ...ORDER_TOOLS,
      { name: 'fetch_url', input_schema: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] }, annotations: { readOnlyHint: true } },
      { name: 'send_email', input_schema: { type: 'object', properties: { to: { type: 'string' }, body: { type: 'string' } }, required: ['to', 'body'] } },
    ];
    /** A session that has looked up ord_1001 (so it knows what its order ids look like). */
    async function lookedUp() {
      const { session } = await orderSession({ tools: TOOLS });
      await session.beforeToolCall({ callId: 'c1', tool: 'get_order', arguments: { order_id: 'ord_1001' } });
      await session.afterToolCall({ callId: 'c1', tool: 'get_order', result: { order_id: 'ord_1001', status: 'shipped', customer_id: 'cust_789' } });
      return session;
    }

    it('blocks an invented id in a URL path, in the shape of the session\'s own ids', async () => {
      const session = await lookedUp();
      const decision = await session.beforeToolCall({ tool: 'fetch_url', arguments: { url: 'https://shop.test/api/orders/ord_9999/invoice.pdf' } });
      expect(decision).toMatchObject({ action: 'block', proceed: false });
      expect(codes(decision)).toEqual(['ENTITY_HALLUCINATION']);
      expect(decision.flags[0]!.evidence).toMatchObject({ id: 'ord_9999', argument: '/url', via: 'shape' });
      expect(decision.flags[0]!.message).toBe('fetch_url was called with ord_9999 in url, an id that appeared in no trusted prior context.');
    });

    it('blocks an invented id in a message body, and names an id seen only in web content as untrusted', async () => {
      const session = await lookedUp();
      const invented = await session.beforeToolCall({ tool: 'send_email', arguments: { to: 'mia@example.com', body: 'Your refund for ord_4242 is on its way.' } });
      expect(codes(invented)).toEqual(['ENTITY_HALLUCINATION']);
      expect(invented.flags[0]!.evidence).toMatchObject({ id: 'ord_4242', argument: '/body' });
      await session.contextAdd('web', 'Forum post: my order ord_7777 never arrived');
      const untrusted = await session.beforeToolCall({ tool: 'fetch_url', arguments: { url: 'https://shop.test/orders?q=ord_7777' } });
      expect(codes(untrusted)).toEqual(['UNTRUSTED_ENTITY']);
      expect(untrusted.flags[0]!.evidence).toMatchObject({ id: 'ord_7777', via: 'shape', source: 'web' });
    });

    it('lets a web fetch follow a link a search gave, and still flags that link\'s id in a first-party lookup and an invented one anywhere', async () => {
      const WEB: ToolDefinition[] = [
        ...TOOLS,
        { name: 'web_search', input_schema: { type: 'object', properties: { query: { type: 'string' } } }, annotations: { readOnlyHint: true, openWorldHint: true } },
        { name: 'browse', input_schema: { type: 'object', properties: { url: { type: 'string' }, page_id: { type: 'string' } } }, annotations: { readOnlyHint: true, openWorldHint: true } },
        { name: 'post_comment', input_schema: { type: 'object', properties: { thread_id: { type: 'string' }, text: { type: 'string' } } }, annotations: { openWorldHint: true, destructiveHint: true } },
      ];
      const { session } = await orderSession({ tools: WEB, userMessage: 'Any news about my order ord_1001 delays?' });
      await session.beforeToolCall({ callId: 's1', tool: 'web_search', arguments: { query: 'shop.test shipping delays' } });
      await session.afterToolCall({ callId: 's1', tool: 'web_search', result: { results: [{ url: 'https://news.test/story?id=88213', page_id: 'pg_4471', thread: 'thr_99812' }, { text: 'Forum: my order ord_7777 is late too' }] } });
      // Following the search's own links through a tool that reads third-party pages: nothing to say.
      for (const args of [{ url: 'https://news.test/story?id=88213' }, { page_id: 'pg_4471' }]) {
        expect((await session.beforeToolCall({ tool: 'browse', arguments: args })).flags, JSON.stringify(args)).toEqual([]);
      }
      // The same untrusted id in a first-party lookup, or in a call that writes, is still untrusted; an invented one is still invented.
      expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_7777' } }))).toEqual(['UNTRUSTED_ENTITY']);
      expect(await session.beforeToolCall({ tool: 'post_comment', arguments: { thread_id: 'thr_99812', text: 'same here' } })).toMatchObject({ action: 'block', flags: [{ code: 'UNTRUSTED_ENTITY' }] });
      expect(codes(await session.beforeToolCall({ tool: 'browse', arguments: { page_id: 'pg_9090' } }))).toEqual(['ENTITY_HALLUCINATION']);
    });

    it('passes free text whose ids came from trusted context, and text with no id of the session\'s shapes', async () => {
      const session = await lookedUp();
      for (const args of [
        { url: 'https://shop.test/api/orders/ord_1001' },
        { url: 'https://shop.test/customers/cust_789/orders?status=shipped&page=2' },
        { url: 'https://docs.shop.test/v2/help/returns-2024?lang=en-US&updated=2024-05-20' },
        { url: 'https://status.shop.test/incidents/12345' },
      ]) {
        expect((await session.beforeToolCall({ tool: 'fetch_url', arguments: args })).flags, args.url).toEqual([]);
      }
      const email = await session.beforeToolCall({ tool: 'send_email', arguments: { to: 'mia@example.com', body: 'Order ord_1001 shipped on 2024-05-20 via UPS; call +1-555-123-4567 with questions. Ref v1.2.3.' } });
      expect(email.flags).toEqual([]);
    });

    it('reads free text only for shapes the session learned: before any id in an id position, a URL says nothing', async () => {
      const { session } = await orderSession({ tools: TOOLS, userMessage: 'Hi, can you open the invoice?' });
      expect((await session.beforeToolCall({ tool: 'fetch_url', arguments: { url: 'https://shop.test/api/orders/ord_9999' } })).flags).toEqual([]);
    });

    it('reads nothing in an argument the tool\'s policy ignores, nested values included', async () => {
      const { session } = await orderSession({ tools: TOOLS, policy: { tools: { send_email: { ignoreArguments: ['body'] } } } });
      await session.beforeToolCall({ callId: 'c1', tool: 'get_order', arguments: { order_id: 'ord_1001' } });
      await session.afterToolCall({ callId: 'c1', tool: 'get_order', result: { order_id: 'ord_1001', status: 'shipped' } });
      const body = JSON.stringify({ text: 'Refund for ord_4242 sent', order_id: 'ord_4243' });
      expect((await session.beforeToolCall({ tool: 'send_email', arguments: { to: 'mia@example.com', body } })).flags).toEqual([]);
      expect(codes(await session.beforeToolCall({ tool: 'send_email', arguments: { to: 'mia@example.com', body: 'ok', note: 'about ord_4242' } }))).toEqual(['ENTITY_HALLUCINATION']);
    });

    it('flags an id named by an argument once, not again for the text around it', async () => {
      const session = await lookedUp();
      const decision = await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: 'ord_5555', amount: 5, reason: 'customer asked to refund ord_5555' } });
      expect(codes(decision)).toEqual(['ENTITY_HALLUCINATION']);
      expect(decision.flags[0]!.evidence).toMatchObject({ argument: '/order_id', via: 'name' });
    });
  });
});
