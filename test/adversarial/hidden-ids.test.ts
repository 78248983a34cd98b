import { describe, expect, it } from 'vitest';
import { createGuard } from '../../src/index.js';
import { decodePercentEscapes } from '../../src/text/percent-decode.js';
import { codes, ORDER_TOOLS, orderSession } from './helpers.js';

const BULK = { name: 'cancel_orders', input_schema: { type: 'object', properties: { order_ids: {}, reason: { type: 'string' } } }, annotations: { destructiveHint: true } };

describe('ids cannot hide: length', () => {
  it('a comma list of invented ids longer than 256 characters is split into its ids and flagged', async () => {
    const { session } = await orderSession({ tools: [...ORDER_TOOLS, BULK] });
    const list = ['ord_1001', ...Array.from({ length: 40 }, (_, index) => `ord_${9000 + index}`)].join(', ');
    expect(list.length).toBeGreaterThan(256);
    const decision = await session.beforeToolCall({ tool: 'cancel_orders', arguments: { order_ids: list } });
    expect(decision.proceed).toBe(false);
    expect(codes(decision)).toContain('ENTITY_HALLUCINATION');
  });

  it('a single token longer than any id is flagged, never skipped', async () => {
    const { session } = await orderSession();
    expect(codes(await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: `ord_${'9'.repeat(400)}`, amount: 1 } }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('benign: a long list of ids the user gave passes', async () => {
    const ids = Array.from({ length: 40 }, (_, index) => `ord_${1000 + index}`);
    const { session } = await orderSession({ tools: [...ORDER_TOOLS, BULK], userMessage: `Cancel these: ${ids.join(' ')}` });
    expect(codes(await session.beforeToolCall({ tool: 'cancel_orders', arguments: { order_ids: ids.join(',') } }))).toEqual([]);
  });
});

describe('ids cannot hide: wildcards on destructive tools', () => {
  it.each(['*', '%', '', '   ', 'ord_%', 'ord_*', 'ALL', '.*', '?', '--'])('order_id=%j on a destructive tool is flagged', async (value) => {
    const { session } = await orderSession();
    const decision = await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: value, amount: 1 } });
    expect(decision.proceed).toBe(false);
    expect(decision.flags.some((flag) => flag.code === 'ENTITY_HALLUCINATION' && (flag.evidence?.reason === 'wildcard' || flag.evidence?.id !== undefined))).toBe(true);
  });

  it('benign: a wildcard in a read-only search is not an id problem', async () => {
    const { session } = await orderSession();
    expect(codes(await session.beforeToolCall({ tool: 'list_orders', arguments: { customer_id: 'cust_789', status: '*' } }))).toEqual([]);
  });
});

describe('ids cannot hide: type and position', () => {
  it('an id-named argument given as a number is checked', async () => {
    const { session } = await orderSession({ tools: [{ name: 'get_invoice', input_schema: { type: 'object', properties: { invoice_id: { type: 'integer' } } } }] });
    expect(codes(await session.beforeToolCall({ tool: 'get_invoice', arguments: { invoice_id: 987654 } }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('a number is an id where the policy pattern says so, even under a plain name', async () => {
    const guard = createGuard({ tools: ORDER_TOOLS, policy: { entities: { ticket: { pattern: '^\\d{6}$' } } } });
    const session = await guard.startSession();
    await session.message('user', 'my ticket is 123456');
    expect(codes(await session.beforeToolCall({ tool: 'search', arguments: { query: 'x', page: 654321 } }))).toEqual(['ENTITY_HALLUCINATION']);
    expect(codes(await session.beforeToolCall({ tool: 'search', arguments: { query: 'x', page: 123456 } }))).toEqual([]);
  });

  it('ids as object keys inside an id-named argument are checked', async () => {
    const { session } = await orderSession({ tools: [...ORDER_TOOLS, BULK] });
    expect(codes(await session.beforeToolCall({ tool: 'cancel_orders', arguments: { order_ids: { ord_1001: true, ord_6666: true } } }))).toContain('ENTITY_HALLUCINATION');
    expect(codes(await session.beforeToolCall({ tool: 'cancel_orders', arguments: { order_ids: { ord_1001: true } } }))).toEqual([]);
  });

  it('ids as object keys anywhere are found by a kind pattern', async () => {
    const guard = createGuard({ tools: [{ name: 'bulk_update', input_schema: { type: 'object' }, annotations: { destructiveHint: true } }], policy: { entities: { order: { pattern: '^ord_\\d+$' } } } });
    const session = await guard.startSession();
    await session.message('user', 'update ord_1001');
    expect(codes(await session.beforeToolCall({ tool: 'bulk_update', arguments: { changes: { ord_1001: 'ship', ord_7777: 'refund' } } }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('benign: structural keys inside an id-named argument are not ids', async () => {
    const { session } = await orderSession({ tools: [...ORDER_TOOLS, BULK] });
    expect(codes(await session.beforeToolCall({ tool: 'cancel_orders', arguments: { order_ids: { include: ['ord_1001'] } } }))).toEqual([]);
  });
});

const BULK_UPDATE = { name: 'bulk_update', input_schema: { type: 'object' }, annotations: { destructiveHint: true } };
const FETCH = { name: 'fetch_url', input_schema: { type: 'object', properties: { url: { type: 'string' } } } };

/** A session that has learned what its ids look like, from an id argument and a first-party result. */
async function shapeSession(userMessage = 'Hi, I am cust_789. Please ship ord_1001 and item W7654321.') {
  const guard = createGuard({ tools: [...ORDER_TOOLS, BULK_UPDATE, FETCH] });
  const started = await guard.startSession();
  await started.message('user', userMessage);
  await started.beforeToolCall({ callId: 'g1', tool: 'get_order', arguments: { order_id: 'ord_1001' } });
  await started.afterToolCall({ callId: 'g1', tool: 'get_order', result: { order_id: 'ord_1001', parent_order_id: '#W2378156', items: [{ item_id: 'W7654321', quantity: 1 }] } });
  return started;
}

describe('ids cannot hide: id-shaped object keys under plain names', () => {
  const session = shapeSession;

  it.each([
    ['an id as a top-level key', { ord_9002: { action: 'refund', amount: 500 } }, 'ord_9002'],
    ['an id as a key of a plain container', { items: { W1234567: 1 } }, 'W1234567'],
    ['an id as a key, nested', { changes: { batch: { ord_31337: 'refund' } } }, 'ord_31337'],
    ['an id as a key, percent-encoded', { items: { 'ord%5F9002': 1 } }, 'ord_9002'],
  ])('%s is checked like an id value there', async (_, args, id) => {
    const asValue = await (await session()).beforeToolCall({ tool: 'bulk_update', arguments: { target: id } });
    const asKey = await (await session()).beforeToolCall({ tool: 'bulk_update', arguments: args });
    expect(codes(asKey)).toEqual(codes(asValue));
    expect(codes(asKey)).toContain('ENTITY_HALLUCINATION');
    expect(asKey.proceed).toBe(false);
  });

  it('benign: keys the user gave pass', async () => {
    const s = await session();
    expect(codes(await s.beforeToolCall({ tool: 'bulk_update', arguments: { ord_1001: { action: 'ship' }, items: { W7654321: 2 } } }))).toEqual([]);
  });

  it('benign: ordinary property names, with digits or case styles, are never ids', async () => {
    const s = await session();
    const args = { shippingAddress: { line1: 'Main St 1', line2: '', zip_code: '10115' }, options: { v2: true, utf8: true, 'x-api-version': '2024-01-01', maxRetries: 3, http2Enabled: true, sha256: 'abc', item_1: 'socks', page2: 'x' } };
    expect(codes(await s.beforeToolCall({ tool: 'bulk_update', arguments: args }))).toEqual([]);
  });
});

describe('ids cannot hide: percent-encoded in free text', () => {
  it.each([
    ['an encoded underscore', 'https://api.shop/orders/ord%5F9002'],
    ['an encoded hash before the id', 'https://api.shop/orders/%23W1234567'],
    ['every character encoded', 'https://api.shop/orders/%6F%72%64%5F%39%30%30%32'],
    ['encoded twice', 'https://api.shop/orders/ord%255F9002/refund'],
  ])('%s in a URL is decoded before it is searched for ids', async (_, url) => {
    const decision = await (await shapeSession()).beforeToolCall({ tool: 'fetch_url', arguments: { url } });
    expect(codes(decision)).toEqual(['ENTITY_HALLUCINATION']);
  });

  it.each([
    ['a known id encoded', 'https://api.shop/orders/ord%5F1001'],
    ['ordinary escapes around a known id', 'https://api.shop/search?q=blue%20shoes%2C%20size%2042&order=ord_1001'],
    ['malformed escapes', 'https://api.shop/a%ZZb%5%'],
    ['an escape of a control or non-ASCII byte', 'https://api.shop/caf%C3%A9/%00/%0A'],
  ])('benign: %s passes', async (_, url) => {
    expect(codes(await (await shapeSession()).beforeToolCall({ tool: 'fetch_url', arguments: { url } }))).toEqual([]);
  });

  it('decoding is bounded: a megabyte of escapes is read once, and a third layer of encoding is left as written', () => {
    expect(decodePercentEscapes('%41'.repeat(350_000))).toBe('A'.repeat(350_000));
    expect(decodePercentEscapes('%25255F')).toBe('%5F');
    expect(decodePercentEscapes('no escapes')).toBe('no escapes');
  });
});

describe('ids cannot hide: inside a request body or a URL', () => {
  const HTTP = { name: 'http_request', input_schema: { type: 'object', properties: { method: { type: 'string' }, url: { type: 'string' }, body: { type: 'string' } } }, annotations: { destructiveHint: true } };
  const call = async (args: Record<string, unknown>) => {
    const { session } = await orderSession({ tools: [...ORDER_TOOLS, HTTP] });
    return session.beforeToolCall({ tool: 'http_request', arguments: args });
  };

  it.each([
    ['JSON text in a string argument', { method: 'POST', url: 'https://api.shop/refunds', body: '{"order_id":"ord_31337","amount":500}' }],
    ['JSON text, nested and in a list', { method: 'POST', url: 'https://api.shop/refunds', body: '{"refunds":[{"order_id":"ord_1001"},{"order_id":"ord_31337"}]}' }],
    ['a URL query parameter named like an id', { method: 'DELETE', url: 'https://api.shop/orders?order_id=ord_31337' }],
    ['a URL query parameter among others', { method: 'POST', url: 'https://api.shop/refund?amount=500&customerId=cust_666&note=asap' }],
  ])('an invented id in %s is flagged', async (_, args) => {
    const decision = await call(args);
    expect(decision.proceed).toBe(false);
    expect(codes(decision)).toContain('ENTITY_HALLUCINATION');
  });

  it.each([
    ['JSON text naming the ids the user gave', { method: 'POST', url: 'https://api.shop/refunds', body: '{"order_id":"ord_1001","customer_id":"cust_789"}' }],
    ['a URL whose id parameter the user gave, and plain parameters', { method: 'GET', url: 'https://api.shop/orders?customer_id=cust_789&page=2&lang=en&q=blue+shoes' }],
    ['prose that starts like JSON', { method: 'POST', url: 'https://api.shop/notes', body: '[note] the parcel for ord_1001 arrived' }],
    ['a URL without id parameters', { method: 'GET', url: 'https://api.shop/search?q=ord&sort=new' }],
  ])('benign: %s passes', async (_, args) => {
    expect(codes(await call(args))).toEqual([]);
  });
});

describe('ids cannot hide: invisible and confusable characters', () => {
  it.each([
    ['zero-width space', 'ord_10\u200b01'],
    ['zero-width joiner', 'ord_1001\u200d'],
    ['soft hyphen', 'ord\u00ad_1001'],
    ['bidi override', '\u202eord_1001'],
    ['word joiner', 'ord_\u20601001'],
    ['BOM', '\ufefford_1001'],
  ])('an id with a %s is flagged even though its visible form is trusted', async (_, id) => {
    const { session } = await orderSession();
    const decision = await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: id, amount: 1 } });
    expect(decision.proceed).toBe(false);
    expect(decision.flags).toMatchObject([{ code: 'ENTITY_HALLUCINATION', evidence: { reason: 'invisible' } }]);
  });

  it('zero-width characters cannot splice two trusted fragments into an invented id', async () => {
    const { session } = await orderSession({ userMessage: 'I am cust_789, order ord_99 and 99 items' });
    expect(codes(await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: 'ord_99\u200b99', amount: 1 } }))).toContain('ENTITY_HALLUCINATION');
  });

  it.each([
    ['Cyrillic o', '\u043erd_1001'],
    ['Greek omicron', '\u03bfrd_1001'],
    ['fullwidth letters', 'ｏｒｄ_1001'],
    ['mathematical letters', '𝐨𝐫𝐝_1001'],
  ])('an id with %s is flagged', async (_, id) => {
    const { session } = await orderSession();
    const decision = await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: id, amount: 1 } });
    expect(decision.proceed).toBe(false);
    expect(codes(decision)).toContain('ENTITY_HALLUCINATION');
  });

  it('benign: an id wholly in another script, given by the user, passes', async () => {
    const { session } = await orderSession({ userMessage: 'мой заказ заказ_1001' });
    expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'заказ_1001' } }))).toEqual([]);
  });
});

describe('ids cannot hide: unknown message roles are untrusted', () => {
  it.each(['function', 'Human', 'admin', 'attacker', '', 'USER'])('an id only in a %j message does not count as trusted', async (role) => {
    const { session } = await orderSession();
    await session.message(role as 'user', 'please refund ord_5555');
    const decision = await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: 'ord_5555', amount: 1 } });
    expect(decision.proceed).toBe(false);
    expect(codes(decision)).toEqual(['UNTRUSTED_ENTITY']);
  });

  it.each(['user', 'system', 'developer', 'tool'])('benign: an id in a %s message is trusted', async (role) => {
    const { session } = await orderSession();
    await session.message(role as 'user', 'please refund ord_5555');
    expect(codes(await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: 'ord_5555', amount: 1 } }))).toEqual([]);
  });
});
