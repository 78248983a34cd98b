import type { Action, FailureMode } from '../../src/trace/events.js';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function count(value: number): string {
  return integer.format(value);
}

export function plural(value: number, one: string, many = `${one}s`): string {
  return `${count(value)} ${value === 1 ? one : many}`;
}

/** Compact token counts for axes: 950, 1.2k, 3.4M. */
export function compact(value: number): string {
  if (Math.abs(value) >= 1e6) return `${trim(value / 1e6)}M`;
  if (Math.abs(value) >= 1e3) return `${trim(value / 1e3)}k`;
  return trim(value);
}

function trim(value: number): string {
  return value.toFixed(value >= 100 || Number.isInteger(value) ? 0 : 1).replace(/\.0$/, '');
}

export function usd(value: number): string {
  if (value === 0) return '$0';
  if (value < 0.01) return `$${value.toFixed(4)}`;
  if (value < 100) return `$${value.toFixed(value < 1 ? 3 : 2)}`;
  return `$${integer.format(value)}`;
}

/** Time since the session started: +0.4 s, +2 min 05 s, +1 h 03 min. */
export function since(ms: number): string {
  if (ms < 0) return `${since(-ms).replace('+', '−')}`;
  if (ms < 1_000) return `+${(ms / 1_000).toFixed(ms === 0 ? 0 : 2)} s`;
  if (ms < 60_000) return `+${(ms / 1_000).toFixed(1)} s`;
  const seconds = Math.floor(ms / 1_000);
  if (seconds < 3_600) return `+${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `+${Math.floor(seconds / 3_600)} h ${String(Math.floor((seconds % 3_600) / 60)).padStart(2, '0')} min`;
}

export function duration(ms: number): string {
  return since(ms).slice(1);
}

export const MODE_NAMES: Record<FailureMode, string> = {
  hallucination_propagation: 'Hallucination propagation',
  tool_misfire: 'Tool misfire',
  context_poisoning: 'Context poisoning',
  cost_runaway: 'Cost runaway',
  none: 'No anomaly found',
};

export const ACTION_PAST: Record<Action, string> = { allow: 'allowed', warn: 'warned', throttle: 'throttled', block: 'blocked', pause: 'paused', kill: 'killed' };

export function reversibility(value: boolean | null): { label: string; className: string } {
  if (value === true) return { label: 'reversible (read-only)', className: 'rev-yes' };
  if (value === false) return { label: 'irreversible (destructive)', className: 'rev-no' };
  return { label: 'reversibility unknown (no annotation)', className: 'rev-unknown' };
}
