import type { Flag } from '../trace/events.js';

/**
 * A finding of triage, never of the guard: in a multi-agent session an agent said it went on with data
 * it assumed, simulated or left as a placeholder instead of data it obtained. Free-text agent chat has
 * no tool call or id to check, and this is the one premise such a log itself marks as unsupported.
 */
export const ASSUMED_PREMISE = 'ASSUMED_PREMISE';

/**
 * How an agent says it proceeds without the data, in its own words about its next step: "let's assume",
 * "we can simulate", "I'll use placeholder values", "a mock dataset", "hypothetically", "for
 * demonstration purposes". A bare "we assume" or "placeholder" is not enough: pages an agent quotes
 * (a paper's method, a site's "placeholder images") say those about themselves.
 */
const ADMISSION = new RegExp(
  [
    String.raw`\b(?:let[’']?s|let us|we(?:[’']ll| will| can| could| may| must| need to| have to)|I(?:[’']ll| will| can| must))\s+(?:just\s+|now\s+|temporarily\s+)?(?:assume|simulate|hypothesi[sz]e|pretend)\b`,
    String.raw`\b(?:mock|dummy|sample|synthetic|fake|simulated|hypothetical|placeholder|made-up|fictional|example)\s+(?:data|dataset|values|numbers|figures|results|inputs?|file|path)\b`,
    String.raw`\bhypothetically\b`,
    String.raw`\bfor\s+(?:demonstration|illustration|illustrative)\s+purposes\b`,
  ].join('|'),
  'i',
);

/** Characters shown on each side of the admission, so the finding reads without the trace at hand. */
const CONTEXT = 60;

/** The first admission of an assumed premise in an agent's text, with a little of the text around it. */
export function admittedAssumption(text: unknown): string | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  const found = ADMISSION.exec(text);
  if (!found) return undefined;
  const from = Math.max(0, found.index - CONTEXT);
  const to = Math.min(text.length, found.index + found[0].length + CONTEXT);
  return `${from > 0 ? '...' : ''}${text.slice(from, to).replace(/\s+/g, ' ').trim()}${to < text.length ? '...' : ''}`;
}

/** The finding, for the step where an agent first admitted the assumed premise. */
export function assumedPremiseFlag(step: number, agent: string | undefined, excerpt: string): Flag {
  return {
    code: ASSUMED_PREMISE,
    step,
    message: `${agent ?? 'An agent'} works from assumed, simulated or placeholder data, not data it obtained ("${excerpt}"): a premise without support for the steps after it.`,
    evidence: { ...(agent !== undefined ? { agent } : {}), excerpt },
  };
}
