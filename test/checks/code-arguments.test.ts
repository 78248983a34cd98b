import { describe, expect, it } from 'vitest';
import { createGuard, type ToolDefinition } from '../../src/index.js';
import { codes } from '../helpers/guard.js';
import { notAReference } from '../../src/checks/entity-reference.js';

const string = { type: 'string' };
const TOOLS: ToolDefinition[] = [
  {
    name: 'search_flights',
    input_schema: { type: 'object', properties: { origin_airport_id: string, destination_airport_id: string, airline_code_id: string, cabin_class_id: string, fare_class_id: string, via_airport_ids: { type: 'array', items: string } } },
    annotations: { readOnlyHint: true },
  },
  { name: 'get_quote', input_schema: { type: 'object', properties: { ticker_id: string, symbolId: string, exchange_id: string, currency_id: string } }, annotations: { readOnlyHint: true } },
  { name: 'convert_units', input_schema: { type: 'object', properties: { unit_id: string, uom_id: string, country_id: string, language_id: string, value: { type: 'number' } } } },
  {
    name: 'book',
    input_schema: { type: 'object', properties: { user_id: string, reservation_id: string, order_id: string, stock_item_id: string, airport_id: string } },
  },
];

async function session() {
  const started = await createGuard({ tools: TOOLS }).startSession();
  await started.message('user', 'Hi, I am sara_doe_496 and I want to fly from Boston to Seattle next week.');
  return started;
}

describe('short codes in arguments named like codes', () => {
  it('passes airport, airline, cabin and fare codes, tickers, exchanges and units that no trusted context wrote', async () => {
    const s = await session();
    const benign: Array<[string, Record<string, unknown>]> = [
      ['search_flights', { origin_airport_id: 'BOS', destination_airport_id: 'SEA', airline_code_id: 'AS', cabin_class_id: 'ECONOMY', fare_class_id: 'Y', via_airport_ids: ['DFW', 'KORD'] }],
      ['get_quote', { ticker_id: 'NVDA', symbolId: 'BRK.B', exchange_id: 'NYSE', currency_id: 'USD' }],
      ['convert_units', { unit_id: 'KG', uom_id: 'LB', country_id: 'DEU', language_id: 'de', value: 3 }],
    ];
    for (const [tool, args] of benign) expect((await s.beforeToolCall({ tool, arguments: args })).flags, JSON.stringify(args)).toEqual([]);
  });

  it('still checks record ids, however code-like, and a code word that is not the noun the id names', async () => {
    const s = await session();
    const hostile: Array<Record<string, unknown>> = [
      { reservation_id: 'MZDDSW' },
      { order_id: 'ABCDE' },
      { user_id: 'JSMITH' },
      // An inventory item (the noun is `item`), not a stock symbol.
      { stock_item_id: 'ABCDE' },
      // Not a code: digits and ids under an airport name are still looked up.
      { airport_id: 'W1234567' },
      { airport_id: 'BOS1' },
    ];
    for (const args of hostile) expect(codes(await s.beforeToolCall({ tool: 'book', arguments: args })), JSON.stringify(args)).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('classifies by the name\'s last noun and the value\'s form, not by a list of codes', () => {
    expect(notAReference('airport_id', 'ZZZ')).toBe('code');
    expect(notAReference('originAirportId', 'XQP')).toBe('code');
    expect(notAReference('ticker_ids', 'ABCDE')).toBe('code');
    // An enum-like word in capitals under a class name; six letters that read as no word are no code.
    expect(notAReference('cabin_class_id', 'PREMIUM')).toBe('code');
    expect(notAReference('airport_id', 'BSXQTW')).toBeUndefined();
    expect(notAReference('airport_code_id', 'W123')).toBeUndefined();
    expect(notAReference('airport_user_id', 'BOS')).toBeUndefined();
  });
});
