// What the injection scan reports: kept apart so the scan's own passes can name it without importing the scanner.
/** How sure a finding is: `high` (a rule or detector that rarely misfires) or `low` (a weaker signal). */
export type InjectionConfidence = 'high' | 'low';

/** One injection attempt found in content: what matched, where, and how sure. */
export interface InjectionFinding {
  kind: string;
  excerpt: string;
  index: number;
  confidence: InjectionConfidence;
}
