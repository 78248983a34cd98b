import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { TAU_BENCH } from './tau-bench.js';
import type { ToolDefinitionLike } from '../../src/tool-definition.js';

/** The tau-bench retail environment kept in the repo with its license (see its README). */
const RETAIL = join(TAU_BENCH, 'retail');

type Row = Record<string, unknown>;
export interface RetailAction {
  name: string;
  kwargs: Row;
}
export interface RetailTask {
  user_id: string;
  instruction: string;
  actions: RetailAction[];
}
export interface RetailDatabase {
  users: Record<string, Row>;
  orders: Record<string, Row>;
  products: Record<string, Row>;
}

function readGzipJson<T>(name: string): T {
  return JSON.parse(gunzipSync(readFileSync(join(RETAIL, name))).toString('utf8')) as T;
}

export function loadRetailTools(): ToolDefinitionLike[] {
  return JSON.parse(readFileSync(join(RETAIL, 'retail_tool_schemas.json'), 'utf8')) as ToolDefinitionLike[];
}

export function loadRetailDatabase(): RetailDatabase {
  return { users: readGzipJson('users.json.gz'), orders: readGzipJson('orders.json.gz'), products: readGzipJson('products.json.gz') };
}

/** The 635 tasks: test (115), dev (20) and train (500), each named by its split and index. */
export function loadRetailTasks(): Array<{ name: string; task: RetailTask }> {
  return (['test', 'dev', 'train'] as const).flatMap((split) =>
    readGzipJson<RetailTask[]>(`retail_tasks_${split}.json.gz`).map((task, index) => ({ name: `${split}-${index}`, task })),
  );
}

/**
 * The retail tools over the mock database, answering as the benchmark's environment does: records as
 * JSON text, "Error: ... not found" for an unknown id. Writes change a copy of the record that this
 * environment keeps: make one per task, so one task's writes are not read by the next.
 */
export function retailEnvironment(db: RetailDatabase) {
  const changed = new Map<string, Row>();
  const order = (id: unknown): Row | undefined => changed.get(`order:${id}`) ?? db.orders[String(id)];
  const user = (id: unknown): Row | undefined => changed.get(`user:${id}`) ?? db.users[String(id)];
  const write = (kind: 'order' | 'user', id: unknown, record: Row, change: (copy: Row) => void): string => {
    const copy = structuredClone(record);
    change(copy);
    changed.set(`${kind}:${id}`, copy);
    return JSON.stringify(copy);
  };
  const variant = (itemId: unknown): Row | undefined => {
    for (const product of Object.values(db.products)) {
      const found = (product.variants as Record<string, Row>)[String(itemId)];
      if (found) return found;
    }
    return undefined;
  };
  const findUser = (match: (candidate: Row) => boolean): string =>
    Object.entries(db.users).find(([, candidate]) => match(candidate))?.[0] ?? 'Error: user not found';

  return {
    run(name: string, args: Row): string {
      switch (name) {
        case 'find_user_id_by_email':
          return findUser((candidate) => candidate.email === args.email);
        case 'find_user_id_by_name_zip':
          return findUser((candidate) => {
            const names = candidate.name as Row;
            return (
              String(names.first_name).toLowerCase() === String(args.first_name).toLowerCase() &&
              String(names.last_name).toLowerCase() === String(args.last_name).toLowerCase() &&
              (candidate.address as Row).zip === args.zip
            );
          });
        case 'get_user_details':
          return user(args.user_id) ? JSON.stringify(user(args.user_id)) : 'Error: user not found';
        case 'get_order_details':
          return order(args.order_id) ? JSON.stringify(order(args.order_id)) : 'Error: order not found';
        case 'get_product_details':
          return db.products[String(args.product_id)] ? JSON.stringify(db.products[String(args.product_id)]) : 'Error: product not found';
        case 'list_all_product_types':
          return JSON.stringify(Object.fromEntries(Object.values(db.products).map((product) => [product.name, product.product_id]).sort()));
        case 'calculate':
          return /^[\d\s.+\-*/()]+$/.test(String(args.expression)) ? String(Math.round(Number(Function(`return (${args.expression})`)()) * 100) / 100) : 'Error: invalid characters in expression';
        case 'think':
          return '';
        case 'transfer_to_human_agents':
          return 'Transfer successful';
        case 'modify_user_address': {
          const record = user(args.user_id);
          if (!record) return 'Error: user not found';
          const { user_id: _id, ...address } = args;
          return write('user', args.user_id, record, (copy) => (copy.address = address));
        }
        default: {
          const record = order(args.order_id);
          if (!record) return 'Error: order not found';
          return write('order', args.order_id, record, (copy) => {
            if (name === 'cancel_pending_order') Object.assign(copy, { status: 'cancelled', cancel_reason: args.reason });
            if (name === 'return_delivered_order_items') Object.assign(copy, { status: 'return requested', return_items: args.item_ids, return_payment_method_id: args.payment_method_id });
            if (name === 'exchange_delivered_order_items') Object.assign(copy, { status: 'exchange requested', exchange_items: args.item_ids, exchange_new_items: args.new_item_ids, exchange_payment_method_id: args.payment_method_id });
            if (name === 'modify_pending_order_payment') (copy.payment_history as Row[]).push({ transaction_type: 'payment', payment_method_id: args.payment_method_id });
            if (name === 'modify_pending_order_address') {
              const { order_id: _id, ...address } = args;
              copy.address = address;
            }
            if (name === 'modify_pending_order_items') {
              const olds = args.item_ids as string[];
              const news = args.new_item_ids as string[];
              copy.status = 'pending (item modified)';
              for (const item of copy.items as Row[]) {
                const at = olds.indexOf(String(item.item_id));
                const next = at >= 0 ? variant(news[at]) : undefined;
                if (next) Object.assign(item, { item_id: next.item_id, options: next.options, price: next.price });
              }
            }
          });
        }
      }
    },
  };
}
