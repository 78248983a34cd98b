import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';
import type { CallRecord } from '../state/call-history.js';
import type { SessionView } from '../state/session-view.js';
import { nearIdentical, sameArguments, type CanonicalArguments } from '../text/canonical-args.js';

/** Earlier calls of the same tool compared with, at most: a call's cost stays flat however long the session. */
const MAX_COMPARISONS = 32;
/** The longest cycle of calls looked for (A-B-A-B is 2; write A, test, write B, test, again, is 4). */
const MAX_PERIOD = 4;

/**
 * A retry chain: walking back from the new call, each earlier call of the same tool that is
 * near-identical to the one after it and returned what that one returned. When the chain holds
 * `maxRepeats` calls (the tool's own `loop.maxRepeats` in the policy, else the session's), the new
 * call is the (maxRepeats+1)th with no new information: a loop. Results that keep changing break the
 * chain (polling is not a loop), and so does a new action between two links (a call that is not a
 * lookup, with arguments its tool was not just given: a test run after an edit is not a retry).
 * Also a cycle: the last 2, 3 or 4 calls, each identical to the one a cycle before it with the same
 * result, and the new call closing the second round (A-B-A-B). Near-identity (a reworded request) makes
 * a retry; a cycle needs the same calls, since an edit-and-test cycle whose edits differ is progress.
 * Arguments are compared with per-request noise masked (nonces, request ids, retry counters, request
 * timestamps; see text/volatile.ts), and so are results: a counter cannot hide a loop that learns nothing.
 * So are arguments the tool's input schema does not declare (schema/declared-arguments.ts): a junk `seed`
 * that changes every call cannot hide one either, while a declared `page` or `seed` still makes a new call.
 * Multi-line text (a file, a patch, a message body) is the same only when equal (text/canonical-args.ts).
 */
export const loopDetection = defineCheck('loop', ['tool.call'], (event, context) => {
  const call = context.call();
  if (call.arguments === undefined) return [];
  const { similarity, oscillation } = context.policy.loop;
  const maxRepeats = context.toolPolicy(event.tool)?.loop?.maxRepeats ?? context.policy.loop.maxRepeats;
  const history = context.session.recentCalls();
  const alike = (x: CanonicalArguments, y: CanonicalArguments) => nearIdentical(x, y, similarity);

  const chain: CallRecord[] = [];
  let current = call.canonical;
  let compared = 0;
  let acted = false;
  for (let index = history.length - 1; index >= 0 && chain.length < maxRepeats && compared < Math.max(MAX_COMPARISONS, maxRepeats); index -= 1) {
    const record = history[index]!;
    if (record.tool !== event.tool) {
      if (!acted && isNewAction(record, context.session)) acted = true;
      continue;
    }
    compared += 1;
    if (!alike(record.args, current)) continue;
    if (acted) break;
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

  if (oscillation) {
    for (let period = 2; period <= MAX_PERIOD && history.length >= 2 * period - 1; period += 1) {
      const cycle = repeatedCycle(history, event.tool, call.canonical, period);
      // A cycle of polls only (tools with their own repeat limit) is left to that limit: the chain counts each poll.
      if (cycle === undefined || cycle.every((record) => context.toolPolicy(record.tool)?.loop?.maxRepeats !== undefined)) continue;
      const tools = [...new Set(cycle.map((record) => record.tool))];
      const steps = [...cycle.map((record) => record.step), event.step];
      const message =
        period === 2
          ? `Calls oscillate between ${cycle[0]!.tool} and ${cycle[1]!.tool} with identical arguments and unchanged results.`
          : `The same ${period} calls (${tools.join(', ')}) repeat with identical arguments and unchanged results.`;
      return [flag(AnomalyCode.LOOP_DETECTED, event.step, message, { tool: event.tool, pattern: 'oscillation', period, steps })];
    }
  }
  return [];
});

/**
 * Whether a call may have changed what later calls see: it ran (not refused), is not a lookup, and
 * was not its tool's call before it again (writing the same file content twice changes nothing new).
 */
function isNewAction(record: CallRecord, session: SessionView): boolean {
  if (record.resultHash === 'refused' || record.repeat === true) return false;
  const tool = session.tool(record.tool);
  return !(tool?.readOnly === true || tool?.kind === 'lookup');
}

/**
 * The 2 x `period` - 1 calls before the new one when, with it, they are one cycle of `period` calls run
 * twice: each call the same (tool and canonical arguments) as the one `period` before it, with the same
 * result, and not every call of the cycle the same (that is a retry chain's case). Otherwise undefined.
 */
function repeatedCycle(history: readonly CallRecord[], tool: string, args: CanonicalArguments, period: number): CallRecord[] | undefined {
  const start = history.length - (2 * period - 1);
  const first = history[start]!;
  const closing = history[start + period - 1]!;
  if (closing.tool !== tool || !sameArguments(closing.args, args)) return undefined;
  let varied = false;
  for (let offset = 0; offset < period - 1; offset += 1) {
    const earlier = history[start + offset]!;
    const later = history[start + period + offset]!;
    if (earlier.tool !== later.tool || earlier.resultHash === undefined || earlier.resultHash !== later.resultHash) return undefined;
    if (!sameArguments(earlier.args, later.args)) return undefined;
    if (!varied && (earlier.tool !== first.tool || !sameArguments(earlier.args, first.args))) varied = true;
  }
  if (!varied && (closing.tool !== first.tool || !sameArguments(closing.args, first.args))) varied = true;
  return varied ? history.slice(start) : undefined;
}
