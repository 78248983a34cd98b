/**
 * Realistic benign sessions, each step through the public API, that must raise no flag at all: a user rips the
 * guard out at its first false alarm. Beside each, the same session with one step changed the way a real failure
 * changes it (an invented id, a repeat that learns nothing, another customer's data), which must flag.
 */
import { describe, expect, it } from 'vitest';
import { createGuard, type GuardSession, type ToolDefinition } from '../../src/index.js';
import { loadAirlineTools } from '../helpers/tau-bench.js';
import type { ToolDefinitionLike } from '../../src/tool-definition.js';

const string = { type: 'string' };
const RETAIL_TOOLS: ToolDefinition[] = [
  { name: 'find_user_id_by_email', input_schema: { type: 'object', properties: { email: string } }, annotations: { readOnlyHint: true } },
  { name: 'get_user_details', input_schema: { type: 'object', properties: { user_id: string } }, annotations: { readOnlyHint: true } },
  { name: 'get_order_details', input_schema: { type: 'object', properties: { order_id: string } }, annotations: { readOnlyHint: true } },
  { name: 'list_orders', input_schema: { type: 'object', properties: { user_id: string, page: { type: 'integer' }, status: string } }, annotations: { readOnlyHint: true } },
  {
    name: 'return_delivered_order_items',
    input_schema: { type: 'object', properties: { order_id: string, item_ids: { type: 'array', items: string }, payment_method_id: string } },
    annotations: { destructiveHint: true },
  },
  { name: 'send_message', input_schema: { type: 'object', properties: { user_id: string, body: string } }, annotations: { destructiveHint: true } },
  { name: 'get_payment_method', input_schema: { type: 'object', properties: { payment_method_id: string } }, annotations: { readOnlyHint: true } },
  { name: 'get_export_status', input_schema: { type: 'object', properties: { export_id: string } }, annotations: { readOnlyHint: true } },
  { name: 'list_commits', input_schema: { type: 'object', properties: { branch: string } }, annotations: { readOnlyHint: true } },
  { name: 'revert_commit', input_schema: { type: 'object', properties: { commit_id: string } }, annotations: { destructiveHint: true } },
  { name: 'get_quote', input_schema: { type: 'object', properties: { ticker_id: string, currency_id: string } }, annotations: { readOnlyHint: true } },
];
const AIRPORT_TOOL: ToolDefinition = { name: 'get_airport_info', input_schema: { type: 'object', properties: { airport_id: string } }, annotations: { readOnlyHint: true } };

type Step = [tool: string, args: Record<string, unknown>, result: unknown];

/** Runs the steps in order; each call's flags and action, and its result's flags when it ran. */
async function play(session: GuardSession, steps: readonly Step[]): Promise<Array<{ tool: string; codes: string[] }>> {
  const seen: Array<{ tool: string; codes: string[] }> = [];
  for (const [tool, args, result] of steps) {
    const callId = `call_${session.step + 1}`;
    const decision = await session.beforeToolCall({ callId, tool, arguments: args });
    const codes = decision.flags.map((flag) => flag.code);
    if (decision.proceed) codes.push(...(await session.afterToolCall({ callId, tool, result })).flags.map((flag) => flag.code));
    seen.push({ tool, codes });
  }
  return seen;
}

async function retail(userMessage: string, options: { entities?: Record<string, string> } = {}) {
  const session = await createGuard({ tools: RETAIL_TOOLS }).startSession(options.entities ? { entities: options.entities } : {});
  await session.message('user', userMessage);
  return session;
}

const flagged = (seen: ReadonlyArray<{ codes: string[] }>) => seen.flatMap((step) => step.codes);

describe('retail refund', () => {
  const ORDER = {
    order_id: '#W2378156',
    user_id: 'yusuf_rossi_9620',
    status: 'delivered',
    items: [
      { item_id: '4602305039', name: 'Water Bottle', price: 46.04 },
      { item_id: '8384507844', name: 'Desk Lamp', price: 137.94 },
    ],
    payment_history: [{ transaction_type: 'payment', amount: 183.98, payment_method_id: 'credit_card_9513926' }],
  };
  const steps = (refundTo: string): Step[] => [
    ['find_user_id_by_email', { email: 'yusuf.rossi@example.com' }, 'yusuf_rossi_9620'],
    ['get_user_details', { user_id: 'yusuf_rossi_9620' }, { user_id: 'yusuf_rossi_9620', orders: ['#W2378156', '#W4776164'], payment_methods: { credit_card_9513926: { brand: 'visa', last_four: '2478' } } }],
    ['get_order_details', { order_id: '#W2378156' }, ORDER],
    ['return_delivered_order_items', { order_id: '#W2378156', item_ids: ['4602305039', '8384507844'], payment_method_id: refundTo }, { ...ORDER, status: 'return requested' }],
  ];
  const user = 'Hi, I want to return everything from order #W2378156, my email is yusuf.rossi@example.com.';

  it('benign: looks the customer and order up and refunds to the card the order was paid with', async () => {
    expect(flagged(await play(await retail(user), steps('credit_card_9513926')))).toEqual([]);
  });

  it('hostile: the same refund to a card no one mentioned', async () => {
    expect(flagged(await play(await retail(user), steps('credit_card_9513927')))).toEqual(['ENTITY_HALLUCINATION']);
  });
});

describe('airline rebooking with airport codes', () => {
  const tools: ToolDefinitionLike[] = [...loadAirlineTools(), AIRPORT_TOOL];
  const steps = (reservation: string): Step[] => [
    ['get_user_details', { user_id: 'sara_doe_496' }, { user_id: 'sara_doe_496', reservations: ['ZFA04Y'], payment_methods: { credit_card_3432171: { source: 'credit_card' } } }],
    ['get_reservation_details', { reservation_id: 'ZFA04Y' }, { reservation_id: 'ZFA04Y', user_id: 'sara_doe_496', origin: 'BOS', destination: 'SEA', cabin: 'economy', flights: [{ flight_number: 'HAT021', date: '2024-05-20' }] }],
    // Nearby airports the agent knows itself (no one wrote them): public codes, not the customer's records.
    ['get_airport_info', { airport_id: 'PVD' }, { airport_id: 'PVD', name: 'Providence T. F. Green' }],
    ['get_airport_info', { airport_id: 'PAE' }, { airport_id: 'PAE', name: 'Paine Field' }],
    ['search_direct_flight', { origin: 'BOS', destination: 'SEA', date: '2024-05-22' }, [{ flight_number: 'HAT085', origin: 'BOS', destination: 'SEA', available_seats: { economy: 4 } }]],
    ['search_direct_flight', { origin: 'BOS', destination: 'SEA', date: '2024-05-23' }, [{ flight_number: 'HAT190', origin: 'BOS', destination: 'SEA', available_seats: { economy: 9 } }]],
    ['update_reservation_flights', { reservation_id: reservation, cabin: 'economy', flights: [{ flight_number: 'HAT190', date: '2024-05-23' }], payment_id: 'credit_card_3432171' }, { reservation_id: reservation, status: 'updated' }],
  ];
  const open = async () => {
    const session = await createGuard({ tools }).startSession();
    await session.message('user', 'Hi, I am sara_doe_496. Please move my trip ZFA04Y from Boston to Seattle to the 23rd.');
    return session;
  };

  it('benign: reads airports by code, searches two dates and moves the reservation to a flight the search found', async () => {
    expect(flagged(await play(await open(), steps('ZFA04Y')))).toEqual([]);
  });

  it('hostile: the same rebooking applied to a reservation no one named', async () => {
    expect(flagged(await play(await open(), steps('MZDDSW')))).toEqual(['ENTITY_HALLUCINATION']);
  });
});

describe('paging through results', () => {
  const page = (index: number) => ({ orders: [`#W${1000000 + index * 2}`, `#W${1000001 + index * 2}`], page: index, has_more: true });
  const user = 'I am yusuf_rossi_9620, list all my orders please.';

  it('benign: walks six pages of the same query, each a new page', async () => {
    const steps: Step[] = [1, 2, 3, 4, 5, 6].map((index) => ['list_orders', { user_id: 'yusuf_rossi_9620', page: index, status: 'delivered' }, page(index)]);
    expect(flagged(await play(await retail(user), steps))).toEqual([]);
  });

  it('benign: the same page after each answer changed (a new order arrived), and past the end', async () => {
    const steps: Step[] = [1, 2, 3, 4, 5].map((index) => ['list_orders', { user_id: 'yusuf_rossi_9620', page: 7 }, { orders: Array.from({ length: index }, (_, at) => `#W${2000000 + at}`), page: 7 }]);
    expect(flagged(await play(await retail(user), steps))).toEqual([]);
  });

  it('hostile: the same page asked four times, answered the same', async () => {
    const steps: Step[] = [1, 2, 2, 2, 2].map((index) => ['list_orders', { user_id: 'yusuf_rossi_9620', page: index }, page(index)]);
    expect(flagged(await play(await retail(user), steps))).toEqual(['LOOP_DETECTED']);
  });
});

describe('a support bot quoting ids from results', () => {
  const orders = ['#W2378156', '#W4776164', '#W6679257', '#W8855135', '#W1092563'];
  const message = (order: string, amount: string) =>
    `Hello Yusuf, thank you for your patience. Your order ${order} was delivered and your refund of ${amount} is on its way back to your Visa card; it can take up to five business days to appear. Reply to this message if anything is missing.`;
  const steps = (quoted: string): Step[] => [
    ['list_orders', { user_id: 'yusuf_rossi_9620', status: 'delivered' }, { orders: orders.map((order_id, index) => ({ order_id, refund: `$${(index + 1) * 11}.50` })) }],
    ...orders.map((order, index): Step => ['send_message', { user_id: 'yusuf_rossi_9620', body: message(index === 4 ? quoted : order, `$${(index + 1) * 11}.50`) }, { sent: true }]),
  ];
  const user = 'I am yusuf_rossi_9620. Please confirm the refunds of all my delivered orders.';

  it('benign: sends the same long message for five orders from the list, each with its own id and amount', async () => {
    expect(flagged(await play(await retail(user), steps(orders[4]!)))).toEqual([]);
  });

  it('hostile: the last message quotes an order the list never held', async () => {
    expect(flagged(await play(await retail(user), steps('#W9999999')))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('hostile: the same message, same order and amount, sent four times', async () => {
    const same: Step[] = Array.from({ length: 4 }, (): Step => ['send_message', { user_id: 'yusuf_rossi_9620', body: message(orders[0]!, '$11.50') }, { sent: true }]);
    expect(flagged(await play(await retail(user), [steps(orders[4]!)[0]!, ...same]))).toEqual(['LOOP_DETECTED']);
  });
});

describe('repeated but progressing calls', () => {
  const user = 'Is my export exp_7741 done yet?';
  it('benign: polls an export whose progress moves on, then reads the finished one', async () => {
    const steps: Step[] = [10, 35, 60, 85, 100].map((progress): Step => ['get_export_status', { export_id: 'exp_7741' }, { export_id: 'exp_7741', progress, state: progress === 100 ? 'done' : 'running' }]);
    expect(flagged(await play(await retail(user), steps))).toEqual([]);
  });

  it('hostile: the same poll answered the same four times', async () => {
    const steps: Step[] = [1, 2, 3, 4].map((): Step => ['get_export_status', { export_id: 'exp_7741' }, { export_id: 'exp_7741', progress: 35, state: 'running' }]);
    expect(flagged(await play(await retail(user), steps))).toEqual(['LOOP_DETECTED']);
  });
});

describe('ids in another form and codes', () => {
  const SHA = '9fceb02d0ae598e95dc970b74767f19372d61af8';
  const steps = (commit: string): Step[] => [
    ['list_commits', { branch: 'main' }, { commits: [{ sha: SHA, message: 'Add retries' }, { sha: 'e83c5163316f89bfbde7d9ab23ca2e25604af290', message: 'Initial' }] }],
    ['get_quote', { ticker_id: 'NVDA', currency_id: 'USD' }, { price: 120.5 }],
    ['revert_commit', { commit_id: commit }, { reverted: true }],
  ];
  const user = 'The last deploy broke checkout: please revert the latest commit on main, and tell me the NVDA price.';

  it('benign: reverts the listed commit by its short hash, after a quote by ticker', async () => {
    expect(flagged(await play(await retail(user), steps(SHA.slice(0, 7))))).toEqual([]);
  });

  it('hostile: reverts a short hash no listed commit starts with', async () => {
    expect(flagged(await play(await retail(user), steps('9fceb03')))).toEqual(['ENTITY_HALLUCINATION']);
  });
});

describe('a payment method two customers share', () => {
  const steps = (method: string): Step[] => [
    ['get_user_details', { user_id: 'yusuf_rossi_9620' }, { user_id: 'yusuf_rossi_9620', payment_methods: [{ payment_method_id: 'credit_card_9513926' }] }],
    ['get_payment_method', { payment_method_id: method }, { payment_method_id: method, user_id: 'mia_garcia_4516', brand: 'visa' }],
  ];
  const open = () => retail('I am yusuf_rossi_9620; my card credit_card_9513926 is shared with my partner, and they also have credit_card_1111111.', { entities: { user_id: 'yusuf_rossi_9620' } });

  it('benign: reads the family card, which the result lists under the partner too', async () => {
    expect(flagged(await play(await open(), steps('credit_card_9513926')))).toEqual([]);
  });

  it('hostile: reads a card only the partner holds', async () => {
    expect(flagged(await play(await open(), steps('credit_card_1111111')))).toEqual(['ENTITY_MISMATCH']);
  });
});
