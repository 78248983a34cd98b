import { AnomalyCode } from '../codes.js';
import { defineCheck, flag, type CheckContext } from './check.js';
import type { Flag, TraceEvent } from '../trace/events.js';
import type { InjectionConfidence, InjectionDetector, InjectionFinding } from '../text/injection.js';

/** What a detector reads at most: classifiers have input limits, and the guard bounds its own work. */
const MAX_DETECTOR_CHARS = 32_768;

function channel(event: TraceEvent): string {
  switch (event.type) {
    case 'tool.result':
      return `tool ${event.tool}`;
    case 'context.add':
      return `${event.source} content`;
    case 'subagent.output':
      return event.agent ? `subagent ${event.agent}` : 'subagent output';
    default:
      return event.type;
  }
}

function injectionFlag(event: TraceEvent, findings: readonly Pick<InjectionFinding, 'kind' | 'excerpt' | 'confidence'>[], extra: Record<string, unknown> = {}): Flag {
  const first = findings[0]!;
  const confidence: InjectionConfidence = findings.some((finding) => finding.confidence === 'high') ? 'high' : 'low';
  const what = confidence === 'high' ? 'carries instructions aimed at the agent' : 'may carry instructions aimed at the agent';
  return flag(AnomalyCode.PROMPT_INJECTION, event.step, `${channel(event)} ${what} (${first.kind}: ${JSON.stringify(first.excerpt)}).`, {
    channel: channel(event),
    confidence,
    findings: findings.slice(0, 5).map(({ kind, excerpt, confidence: tier }) => ({ kind, excerpt, confidence: tier })),
    ...extra,
  });
}

/** Runs one detector with the policy's timeout; a failure becomes a finding (or nothing) as the policy says. */
async function runDetector(detector: InjectionDetector, text: string, source: string, context: CheckContext): Promise<Pick<InjectionFinding, 'kind' | 'excerpt' | 'confidence'> | undefined> {
  const { detectorTimeoutMs, detectorFailure } = context.policy.injection;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    const verdict = await Promise.race([
      Promise.resolve().then(() => detector.detect(text, { source, signal: controller.signal })),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${detectorTimeoutMs} ms`)), detectorTimeoutMs);
        timer.unref?.();
      }),
    ]);
    if (!verdict?.injection) return undefined;
    const score = verdict.score === undefined ? '' : ` (score ${verdict.score})`;
    return { kind: `detector:${detector.name}`, excerpt: `${verdict.reason ?? 'classified as injection'}${score}`, confidence: verdict.confidence ?? 'low' };
  } catch (error) {
    if (detectorFailure === 'allow') return undefined;
    return { kind: `detector_failed:${detector.name}`, excerpt: (error as Error)?.message ?? String(error), confidence: detectorFailure === 'block' ? 'high' : 'low' };
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/**
 * Content from tools, retrieval, memory or subagents carrying instructions aimed at the agent.
 * `evidence.confidence` is `high` (acted on by `actions.PROMPT_INJECTION`) or `low`
 * (`injection.lowConfidence`). Pluggable detectors, when the guard has any, read the same text.
 */
export const promptInjection = defineCheck('prompt-injection', ['tool.result', 'context.add', 'subagent.output'], (event, context) => {
  const content = context.content();
  const findings = content.injections;
  const detectors = context.injection.detectors;
  if (detectors.length === 0 || content.text === '') return findings.length === 0 ? [] : [injectionFlag(event, findings)];
  const text = content.text.length > MAX_DETECTOR_CHARS ? content.text.slice(0, MAX_DETECTOR_CHARS) : content.text;
  return Promise.all(detectors.map((detector) => runDetector(detector, text, channel(event), context))).then((verdicts) => {
    const all = [...findings, ...verdicts.filter((verdict) => verdict !== undefined)];
    if (all.length === 0) return [];
    all.sort((a, b) => (a.confidence === b.confidence ? 0 : a.confidence === 'high' ? -1 : 1));
    return [injectionFlag(event, all)];
  });
});
