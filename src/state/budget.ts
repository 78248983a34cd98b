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
}

export interface Reservation extends Charge {
  id: string;
}

/** The price of a model: by exact name, else the longest priced name it starts with. */
export function priceFor(prices: Record<string, ModelPrice>, model: string): ModelPrice | undefined {
  const exact = prices[model];
  if (exact) return exact;
  let best: string | undefined;
  for (const name of Object.keys(prices)) {
    if (model.startsWith(name) && (best === undefined || name.length > best.length)) best = name;
  }
  return best === undefined ? undefined : prices[best];
}

/**
 * Session spend in integers (tokens, nano-dollars). Admission reserves before a model call and
 * reconciles to the actual usage after it, so concurrent calls cannot overshoot together.
 */
export class TokenBudget {
  spent: Charge = { tokens: 0, costNano: 0 };
  reserved: Charge = { tokens: 0, costNano: 0 };
  /** Open reservations, created on the first one. */
  private reservations: Map<string, Reservation> | undefined;
  private nextId = 0;
  readonly maxTokens: number | undefined;
  readonly maxCostNano: number | undefined;

  constructor(private readonly policy: BudgetPolicy) {
    this.maxTokens = policy.maxTokens;
    this.maxCostNano = policy.maxCostUsd === undefined ? undefined : Math.round(policy.maxCostUsd * 1e9);
  }

  charge(model: string, usage: Usage): Charge {
    const price = priceFor(this.policy.prices, model);
    const tokens = usage.inputTokens + usage.outputTokens;
    const costNano = price
      ? usage.inputTokens * nanoPerToken(price.input) + usage.outputTokens * nanoPerToken(price.output)
      : 0;
    return { tokens, costNano };
  }

  /** Whether spending `extra` on top of what is spent and reserved stays within the budget. */
  fits(extra: Charge): boolean {
    if (this.maxTokens !== undefined && this.spent.tokens + this.reserved.tokens + extra.tokens > this.maxTokens) return false;
    if (this.maxCostNano !== undefined && this.spent.costNano + this.reserved.costNano + extra.costNano > this.maxCostNano) return false;
    return true;
  }

  exhausted(): boolean {
    return (
      (this.maxTokens !== undefined && this.spent.tokens >= this.maxTokens) ||
      (this.maxCostNano !== undefined && this.spent.costNano >= this.maxCostNano)
    );
  }

  reserve(estimate: Charge): Reservation {
    const reservation = { id: `r${++this.nextId}`, ...estimate };
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

  get openReservations(): number {
    return this.reservations?.size ?? 0;
  }
}
