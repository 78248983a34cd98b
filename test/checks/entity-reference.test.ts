import { describe, expect, it } from 'vitest';
import { createGuard, type ToolDefinition } from '../../src/index.js';
import { codes } from '../helpers/guard.js';
import { isPlainWord, notAReference } from '../../src/checks/entity-reference.js';

const TOOLS: ToolDefinition[] = [
  {
    name: 'search_products',
    input_schema: { type: 'object', properties: { category_id: { type: 'string' }, locale_id: { type: 'string' }, page_id: { type: 'integer' }, query: { type: 'string' } } },
  },
  { name: 'tts', input_schema: { type: 'object', properties: { voice_id: { type: 'string' }, text: { type: 'string' } } } },
  {
    name: 'render',
    description: 'Render a chart. The default template is tpl_7f3a9c; see also tpl_0b12de.',
    input_schema: { type: 'object', properties: { template_id: { type: 'string' }, style_id: { type: 'string', enum: ['st_01a', 'st_02b'] }, theme_id: { type: 'string', default: 'th_9x9' } } },
  },
  { name: 'create_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' }, customer_id: { type: 'string' } } } },
  { name: 'get_user', input_schema: { type: 'object', properties: { user_id: { type: 'string' } } }, annotations: { readOnlyHint: true } },
];

async function session(policy = {}) {
  const started = await createGuard({ tools: TOOLS, policy }).startSession();
  await started.message('user', 'Hi, I am cust_789. Show me some electronics.');
  return started;
}

describe('which id-named arguments are entity references', () => {
  it('passes locale codes, small page numbers and plain words (the issue\'s examples)', async () => {
    const s = await session();
    expect((await s.beforeToolCall({ tool: 'search_products', arguments: { category_id: 'electronics', locale_id: 'en-US', page_id: 2 } })).flags).toEqual([]);
    expect((await s.beforeToolCall({ tool: 'tts', arguments: { voice_id: 'alloy', text: 'Hello' } })).flags).toEqual([]);
    expect((await s.beforeToolCall({ tool: 'search_products', arguments: { category_id: 'home-garden', locale_id: 'pt_BR', page_id: 3 } })).flags).toEqual([]);
  });

  it('still checks ids: codes, large numbers, ALL CAPS codes and mixed tokens', async () => {
    const s = await session();
    expect(codes(await s.beforeToolCall({ tool: 'search_products', arguments: { page_id: 98765432 } }))).toEqual(['ENTITY_HALLUCINATION']);
    expect(codes(await s.beforeToolCall({ tool: 'get_user', arguments: { user_id: 'MZDDSW' } }))).toEqual(['ENTITY_HALLUCINATION']);
    expect(codes(await s.beforeToolCall({ tool: 'tts', arguments: { voice_id: 'vc_83jf' } }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('trusts values the tool definition offers: enum, default, and ids named in its description', async () => {
    const s = await session();
    expect((await s.beforeToolCall({ tool: 'render', arguments: { template_id: 'tpl_7f3a9c', style_id: 'st_02b', theme_id: 'th_9x9' } })).flags).toEqual([]);
    expect((await s.beforeToolCall({ tool: 'render', arguments: { template_id: 'tpl_0b12de' } })).flags).toEqual([]);
    expect(codes(await s.beforeToolCall({ tool: 'render', arguments: { template_id: 'tpl_555555' } }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('a create may name its own new record, but the records it refers to must be known', async () => {
    const s = await session();
    expect((await s.beforeToolCall({ tool: 'create_order', arguments: { order_id: 'ord_new_1', customer_id: 'cust_789' } })).flags).toEqual([]);
    expect(codes(await s.beforeToolCall({ tool: 'create_order', arguments: { order_id: 'ord_new_2', customer_id: 'cust_000' } }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('checks any argument the policy lists, words included', async () => {
    const s = await session({ tools: { search_products: { entityArguments: ['category_id'] } } });
    expect(codes(await s.beforeToolCall({ tool: 'search_products', arguments: { category_id: 'electronics' } }))).toEqual([]);
    expect(codes(await s.beforeToolCall({ tool: 'search_products', arguments: { category_id: 'toys' } }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('classifies values by rule, not by a list', () => {
    expect(['alloy', 'electronics', 'Shimmer', 'dark-mode', 'new york'].every(isPlainWord)).toBe(true);
    expect(['MZDDSW', 'ord_1', 'xkcdqrst', 'aaab', 'HAT001', 'a'].some(isPlainWord)).toBe(false);
    expect(notAReference('language_id', 'de')).toBe('locale');
    expect(notAReference('currency_id', 'EUR')).toBe('locale');
    expect(notAReference('tz_id', 'Europe/Berlin')).toBe('locale');
    expect(notAReference('offset_id', 40)).toBe('paging');
    expect(notAReference('user_id', 40)).toBeUndefined();
    expect(notAReference('order_id', 'ORD-77', 'order')).toBe('own_id');
  });
});
