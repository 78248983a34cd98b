/** A target (issues 10, 12) and its measured value, printed with its floor and ratio. */
export interface Target {
  name: string;
  /** What the value is compared with (the floor measured in the same run, or a fixed bound). */
  floor: string;
  value: number;
  unit: string;
  limit: number;
  /** `max`: the value must stay at or below the limit; `min`: at or above. */
  kind: 'max' | 'min';
}

const results: Target[] = [];

export function target(entry: Target): void {
  results.push(entry);
}

/** Prints every target with its value, bound and verdict. */
export function printTargets(): void {
  if (results.length === 0) return;
  console.log('\nTargets (issues 10, 12)');
  console.table(
    results.map((entry) => ({
      target: entry.name,
      'against': entry.floor,
      value: `${Number(entry.value.toPrecision(3))} ${entry.unit}`,
      bound: `${entry.kind === 'max' ? '<=' : '>='} ${entry.limit} ${entry.unit}`,
      met: (entry.kind === 'max' ? entry.value <= entry.limit : entry.value >= entry.limit) ? 'yes' : 'NO',
    })),
  );
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}
