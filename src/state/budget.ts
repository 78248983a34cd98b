import type { BudgetPolicy, ModelPrice } from '../policy/policy.js';

/** Nano-dollars per token, from a USD-per-million-tokens price: integers, so sums stay exact. */
function nanoPerToken(usdPerMillion: number): number {
  return Math.round(usdPerMillion * 1_000);
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export interface Charge {
  tokens: number;
  costNano: number;
  /** False when the model has no price (its cost is then the highest configured price, or unknown). */
  priced?: boolean;
}

export interface Reservation extends Charge {
  id: string;
}

/**
 * A model name as prices are looked up: lower case, trimmed, provider path and version tag dropped
 * (`OpenAI/GPT-4o` and `gpt-4o` are one model; `models/gemini-1.5-pro`, `claude-3-5-sonnet@20240620`).
 */
export function normalizeModelName(model: string): string {
  const known = normalizedNames.get(model);
  if (known !== undefined) return known;
  const name = normalizedName(model);
  // A process meets a handful of model names, on every model call: each is worked out once (bounded all the same).
  if (normalizedNames.size >= 256) normalizedNames.clear();
  if (typeof model === 'string' && model.length <= 256) normalizedNames.set(model, name);
  return name;
}
const normalizedNames = new Map<string, string>();

function normalizedName(model: string): string {
  let name = String(model).normalize('NFKC').trim().toLowerCase();
  const slash = name.lastIndexOf('/');
  if (slash >= 0) name = name.slice(slash + 1);
  const at = name.indexOf('@');
  if (at > 0) name = name.slice(0, at);
  return name.replace(/[\s_]+/g, '-');
}

/** Whether a token count is usable: a finite, non-negative integer. */
export function isTokenCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A price table keyed by normalised model names. */
function normalizedPrices(prices: Record<string, ModelPrice>): ReadonlyMap<string, ModelPrice> {
  return new Map(Object.entries(prices).map(([name, price]) => [normalizeModelName(name), price]));
}

/** The price of a model (names normalised): by exact name, else the longest priced name it starts with. */
export function priceFor(prices: Record<string, ModelPrice> | ReadonlyMap<string, ModelPrice>, model: string): ModelPrice | undefined {
  const table = prices instanceof Map ? (prices as ReadonlyMap<string, ModelPrice>) : priceTableOf(prices as Record<string, ModelPrice>).prices;
  const name = normalizeModelName(model);
  const exact = table.get(name);
  if (exact) return exact;
  let best: string | undefined;
  for (const known of table.keys()) {
    if (name.startsWith(known) && (best === undefined || known.length > best.length)) best = known;
  }
  return best === undefined ? undefined : table.get(best);
}

interface PriceTable {
  prices: ReadonlyMap<string, ModelPrice>;
  fallback: ModelPrice | undefined;
}

const priceTables = new WeakMap<object, PriceTable>();

function priceTableOf(prices: Record<string, ModelPrice>): PriceTable {
  let table = priceTables.get(prices);
  if (!table) {
    const normalized = normalizedPrices(prices);
    const all = [...normalized.values()];
    table = { prices: normalized, fallback: all.length === 0 ? undefined : { input: Math.max(...all.map((price) => price.input)), output: Math.max(...all.map((price) => price.output)) } };
    priceTables.set(prices, table);
  }
  return table;
}

/**
 * Session spend in integers (tokens, nano-dollars). Admission reserves before a model call and
 * reconciles to the actual usage after it, so concurrent calls cannot overshoot together.
 */
/** Nothing spent or reserved: shared by every session until it spends (the amounts are replaced, never changed in place). */
const NOTHING: Charge = Object.freeze({ tokens: 0, costNano: 0 });

export class TokenBudget {
  spent: Charge = NOTHING;
  reserved: Charge = NOTHING;
  /** Open reservations, created on the first one. */
  private reservations: Map<string, Reservation> | undefined;
  private nextId = 0;
  readonly maxTokens: number | undefined;
  readonly maxCostNano: number | undefined;

  /** The policy's prices by normalised name, and the dearest of them: built once per policy, shared by its sessions. */
  private readonly table: PriceTable;

  constructor(policy: BudgetPolicy) {
    this.maxTokens = policy.maxTokens;
    this.maxCostNano = policy.maxCostUsd === undefined ? undefined : Math.round(policy.maxCostUsd * 1e9);
    this.table = priceTableOf(policy.prices);
  }

  /** Whether a model has a configured price. */
  isPriced(model: string): boolean {
    return priceFor(this.table.prices, model) !== undefined;
  }

  charge(model: string, usage: Usage): Charge {
    const found = priceFor(this.table.prices, model);
    // An unpriced model costs the dearest configured price: an unknown model is never free.
    const price = found ?? this.table.fallback;
    const tokens = usage.inputTokens + usage.outputTokens;
    const costNano = price
      ? usage.inputTokens * nanoPerToken(price.input) + usage.outputTokens * nanoPerToken(price.output)
      : 0;
    return found ? { tokens, costNano } : { tokens, costNano, priced: false };
  }

  /** Whether spending `extra` on top of what is spent and reserved stays within the budget. */
  fits(extra: Charge): boolean {
    if (this.maxTokens !== undefined && this.spent.tokens + this.reserved.tokens + extra.tokens > this.maxTokens) return false;
    if (this.maxCostNano !== undefined && this.spent.costNano + this.reserved.costNano + extra.costNano > this.maxCostNano) return false;
    return true;
  }

  /** Spent past the cap. The cap is inclusive: spending exactly the budget is within it. */
  exhausted(): boolean {
    return (
      (this.maxTokens !== undefined && this.spent.tokens > this.maxTokens) ||
      (this.maxCostNano !== undefined && this.spent.costNano > this.maxCostNano)
    );
  }

  reserve(estimate: Charge): Reservation {
    const reservation = { id: `r${++this.nextId}`, tokens: estimate.tokens, costNano: estimate.costNano };
    (this.reservations ??= new Map()).set(reservation.id, reservation);
    this.reserved = { tokens: this.reserved.tokens + estimate.tokens, costNano: this.reserved.costNano + estimate.costNano };
    return reservation;
  }

  /** Releases a reservation (the call failed or was reconciled). Unknown ids are ignored: release is idempotent. */
  release(reservationId: string | undefined): void {
    if (reservationId === undefined) return;
    const reservation = this.reservations?.get(reservationId);
    if (!reservation) return;
    this.reservations!.delete(reservationId);
    this.reserved = {
      tokens: this.reserved.tokens - reservation.tokens,
      costNano: this.reserved.costNano - reservation.costNano,
    };
  }

  /** Books the actual charge, releasing the reservation it replaces. */
  commit(actual: Charge, reservationId?: string): void {
    this.release(reservationId);
    this.spent = { tokens: this.spent.tokens + actual.tokens, costNano: this.spent.costNano + actual.costNano };
  }

  /** The reservation's amount, if it is still open (what a call with unusable usage numbers is charged). */
  reservation(reservationId: string | undefined): Charge | undefined {
    const reservation = reservationId === undefined ? undefined : this.reservations?.get(reservationId);
    return reservation ? { tokens: reservation.tokens, costNano: reservation.costNano } : undefined;
  }

  get openReservations(): number {
    return this.reservations?.size ?? 0;
  }
}
