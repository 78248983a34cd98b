import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';
import type { CallRecord } from '../state/call-history.js';
import { nearIdentical } from '../text/canonical-args.js';

/** Earlier calls of the same tool compared with, at most: a call's cost stays flat however long the session. */
const MAX_COMPARISONS = 32;

/**
 * A retry chain: walking back from the new call, each earlier call of the same tool that is
 * near-identical to the one after it and returned what that one returned. When the chain holds
 * `maxRepeats` calls, the new call is the (maxRepeats+1)th with no new information: a loop.
 * Results that keep changing break the chain (polling is not a loop). Also A-B-A-B oscillation.
 * Arguments are compared with per-request noise masked (nonces, request ids, retry counters, request
 * timestamps; see text/volatile.ts), and so are results: a counter cannot hide a loop that learns nothing.
 */
export const loopDetection = defineCheck('loop', ['tool.call'], (event, context) => {
  const call = context.call();
  if (call.arguments === undefined) return [];
  const { maxRepeats, similarity, oscillation } = context.policy.loop;
  const history = context.session.recentCalls();
  const alike = (x: CallRecord['args'], y: CallRecord['args']) => nearIdentical(x, y, similarity);

  const chain: CallRecord[] = [];
  let current = call.canonical;
  let compared = 0;
  for (let index = history.length - 1; index >= 0 && chain.length < maxRepeats && compared < MAX_COMPARISONS; index -= 1) {
    const record = history[index]!;
    if (record.tool !== event.tool) continue;
    compared += 1;
    if (!alike(record.args, current)) continue;
    if (chain.length > 0 && record.resultHash !== chain[chain.length - 1]!.resultHash) break;
    chain.push(record);
    current = record.args;
  }
  if (chain.length >= maxRepeats) {
    const steps = chain.map((record) => record.step).reverse();
    return [
      flag(AnomalyCode.LOOP_DETECTED, event.step, `${event.tool} called ${chain.length + 1} times with near-identical arguments and no new information in its results.`, {
        tool: event.tool,
        repeats: chain.length + 1,
        steps: [...steps, event.step],
        limit: maxRepeats,
      }),
    ];
  }

  if (oscillation && history.length >= 3) {
    const [a1, b1, a2] = history.slice(-3) as [CallRecord, CallRecord, CallRecord];
    const sameCall = (x: CallRecord, y: CallRecord) => x.tool === y.tool && alike(x.args, y.args);
    const isB = b1.tool === event.tool && alike(b1.args, call.canonical);
    if (isB && sameCall(a1, a2) && !sameCall(a1, b1) && a1.resultHash === a2.resultHash) {
      return [
        flag(AnomalyCode.LOOP_DETECTED, event.step, `Calls oscillate between ${a1.tool} and ${b1.tool} with near-identical arguments and unchanged results.`, {
          tool: event.tool,
          pattern: 'oscillation',
          steps: [a1.step, b1.step, a2.step, event.step],
        }),
      ];
    }
  }
  return [];
});
