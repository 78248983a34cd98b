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
  {
    name: 'send_notification',
    input_schema: { type: 'object', properties: { user_id: { type: 'string' }, text: { type: 'string' }, request_id: { type: 'string' }, correlation_id: { type: 'string' }, client_msg_id: { type: 'string' }, dedupe_id: { type: 'string' } } },
  },
  { name: 'approve_request', input_schema: { type: 'object', properties: { request_id: { type: 'string' } } } },
  { name: 'upsert_contact', input_schema: { type: 'object', properties: { contact_id: { type: 'string' }, account_id: { type: 'string' } } } },
  { name: 'list_instances', input_schema: { type: 'object', properties: { region_id: { type: 'string' }, country_id: { type: 'string' } } }, annotations: { readOnlyHint: true } },
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

  it('passes a token the caller makes for its request, unless the tool acts on that request', async () => {
    const s = await session();
    const uuid = '3f2b8c1e-7a6d-4e5f-8a9b-0c1d2e3f4a5b';
    for (const key of ['request_id', 'correlation_id', 'client_msg_id', 'dedupe_id']) {
      expect((await s.beforeToolCall({ tool: 'send_notification', arguments: { user_id: 'cust_789', text: 'Your export is done', [key]: uuid } })).flags).toEqual([]);
    }
    // The request acted on is a record: approve_request({request_id}) must name a known one; the user named beside it still must be known.
    expect(codes(await s.beforeToolCall({ tool: 'approve_request', arguments: { request_id: 'req_4242' } }))).toEqual(['ENTITY_HALLUCINATION']);
    expect(codes(await s.beforeToolCall({ tool: 'send_notification', arguments: { user_id: 'cust_000', request_id: uuid } }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('an upsert may name the record it makes; what it refers to must be known', async () => {
    const s = await session();
    expect((await s.beforeToolCall({ tool: 'upsert_contact', arguments: { contact_id: 'ct_new_1' } })).flags).toEqual([]);
    expect(codes(await s.beforeToolCall({ tool: 'upsert_contact', arguments: { contact_id: 'ct_new_2', account_id: 'acc_404' } }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('passes country codes and cloud regions under region- and country-named arguments, not codes elsewhere', async () => {
    const s = await session();
    expect((await s.beforeToolCall({ tool: 'list_instances', arguments: { region_id: 'us-east-1', country_id: 'DE' } })).flags).toEqual([]);
    expect((await s.beforeToolCall({ tool: 'list_instances', arguments: { region_id: 'europe-west4' } })).flags).toEqual([]);
    expect(codes(await s.beforeToolCall({ tool: 'get_user', arguments: { user_id: 'DE' } }))).toEqual(['ENTITY_HALLUCINATION']);
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

  it('takes the id a create call assigns to its new record (new, external, custom) as its own, and every other id it names as a reference', () => {
    for (const key of ['external_id', 'externalId', 'external_customer_id', 'custom_id', 'new_customer_id', 'customer_id', 'id']) {
      expect(notAReference(key, 'acme-gmbh-001', 'customer'), key).toBe('own_id');
    }
    // The records a create refers to are still references, qualifier or not; and outside a create nothing is its own.
    for (const key of ['account_id', 'external_account_id', 'parent_customer_id', 'client_id', 'external_ids_id']) {
      expect(notAReference(key, 'acme-gmbh-001', 'customer'), key).toBeUndefined();
    }
    expect(notAReference('external_id', 'acme-gmbh-001')).toBeUndefined();
  });

  it('reads paging and locale words in a name as whole words, whatever its case style', () => {
    // Words that merely contain a paging or locale word name records: `account` holds `count`, `language` no `lang` word here.
    for (const key of ['account_id', 'accountId', 'AccountID', 'discount_id', 'stopId', 'pageant_id', 'topic_id', 'startup_id', 'sizzle_id', 'personId', 'number_id', 'restart-id']) {
      expect(notAReference(key, 4242), key).toBeUndefined();
    }
    for (const key of ['slangId', 'scriptureId', 'tzar_id', 'marketerId', 'regional_office_id', 'encodings_vault_id']) {
      expect(notAReference(key, 'de'), key).not.toBe('locale');
    }
    // The same words standing alone, in any case style, still mark paging and locales.
    for (const key of ['page_id', 'pageId', 'PageID', 'page-id', 'PAGE_ID', 'startIndex', 'per_page', 'pageSize', 'cursorId']) {
      expect(notAReference(key, 40), key).toBe('paging');
    }
    for (const key of ['languageId', 'LANG_ID', 'market-id', 'tzId', 'LocaleID']) {
      expect(notAReference(key, 'de'), key).toBe('locale');
    }
  });
});
