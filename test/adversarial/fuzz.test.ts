import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGuard, type EscalationAnswer, type ToolDefinition } from '../../src/index.js';
import { internals } from './helpers.js';

/** Generous: this guards against decisions that freeze for seconds or minutes, not against slowness. */
const BUDGET_MS = 2_000;

const hostilePatterns = ['^(a+)+$', '^(a|a)*$', '(x+x+)+y', '^[a-z]+_\\d+$', '(a)\\1', '(?=a)', '^\\p{L}+$', '[', ''];
const jsonLeaf = fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom('*', '%', '', 'ord_1001', 'ord_10\u200b01', '\u043erd_1001', 'a'.repeat(3_000)));
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, jsonLeaf, fc.array(tie('value'), { maxLength: 6 }), fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('order_id', 'ids', '__proto__', 'ord_77')), tie('value'), { maxKeys: 6 })),
})).value;

const schema = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom<Record<string, unknown>>({ type: 'string' }, { type: 'integer', minimum: 0 }, { type: 'array', uniqueItems: true }, { type: 'object' }),
    fc.constantFrom(...hostilePatterns).map((pattern) => ({ type: 'string', pattern })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((anyOf) => ({ anyOf })),
    fc.dictionary(fc.constantFrom('order_id', 'q', 'items', 'n'), tie('node'), { maxKeys: 3 }).map((properties) => ({ type: 'object', properties })),
  ),
})).node;

const tool = fc.record({
  name: fc.constantFrom('get_order', 'refund_order', 'search', 'r\u0435fund_order', 'Refund_Order', 'new_tool'),
  input_schema: schema,
  annotations: fc.constantFrom({ readOnlyHint: true }, { destructiveHint: true }, {}),
});

const step = fc.oneof(
  fc.record({ kind: fc.constant('call' as const), tool: fc.constantFrom('get_order', 'refund_order', 'search', 'unknown_tool', 'new_tool'), args: fc.oneof(jsonValue, fc.string({ maxLength: 80 })) }),
  fc.record({ kind: fc.constant('result' as const), result: jsonValue }),
  fc.record({ kind: fc.constant('model' as const), input: fc.oneof(fc.nat(5_000), fc.constantFrom(Number.NaN, -1, 1.5, Number.POSITIVE_INFINITY)), output: fc.nat(2_000), model: fc.constantFrom('gpt-4o', 'GPT-4o', 'mystery') }),
  fc.record({ kind: fc.constant('admit' as const), estimate: fc.option(fc.oneof(fc.nat(10_000), fc.constantFrom(Number.NaN, -5))) }),
  fc.record({ kind: fc.constant('message' as const), role: fc.constantFrom('user', 'system', 'assistant', 'tool', 'function', 'attacker'), content: fc.string({ maxLength: 60 }) }),
  fc.record({ kind: fc.constant('define' as const), tools: fc.array(tool, { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('control' as const), what: fc.constantFrom('kill', 'resume', 'accept') }),
  fc.record({ kind: fc.constant('subagent' as const), content: jsonValue }),
);

describe('fuzz: random events, arguments and schemas', () => {
  it('no exception escapes, no call runs after a refusal, and every decision returns within the budget', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(tool, { maxLength: 3 }), fc.array(step, { minLength: 1, maxLength: 25 }), fc.constantFrom<EscalationAnswer>('approve', 'deny', 'kill'), async (tools, steps, answer) => {
        const guard = createGuard({
          tools: tools as ToolDefinition[],
          escalate: () => answer,
          policy: { budget: { maxTokens: 20_000, maxCostUsd: 5, prices: { 'gpt-4o': { input: 2.5, output: 10 } } }, checkTimeoutMs: 500 },
        });
        guard.on('error', () => {});
        const callDecisions = new Map<string, boolean>();
        guard.on('decision', ({ event, decision }) => {
          if (event.type === 'tool.call') callDecisions.set(event.call_id, decision.proceed);
        });
        const session = await guard.startSession({ entities: { customer_id: 'cust_789' } });
        await session.message('user', 'I am cust_789, order ord_1001');
        let lastCall: string | undefined;
        let runs = 0;
        for (const [index, event] of steps.entries()) {
          const started = Date.now();
          switch (event.kind) {
            case 'call': {
              let ran = false;
              const wrapped = session.wrapTool(event.tool, async (checked: Record<string, unknown>) => {
                ran = true;
                runs += 1;
                expect(Object.isFrozen(checked)).toBe(true);
                return { ok: true };
              });
              const callId = `c${index}`;
              const answered = await wrapped(event.args as Record<string, unknown>, callId);
              const refused = answered !== null && typeof answered === 'object' && (answered as { error?: string }).error === 'agent_warden_refused';
              // A call the guard refused never runs; a call that ran was allowed (its result may still be withheld).
              const allowed = callDecisions.get(callId);
              if (allowed !== true) expect(ran).toBe(false);
              if (ran) expect(allowed).toBe(true);
              if (!refused) expect(ran).toBe(true);
              lastCall = callId;
              break;
            }
            case 'result':
              await session.afterToolCall({ callId: lastCall ?? 'none', tool: 'search', result: event.result });
              break;
            case 'model':
              await session.modelCall({ model: event.model, inputTokens: event.input, outputTokens: event.output, text: 'ord_1001 is on its way' });
              break;
            case 'admit': {
              const admission = await session.beforeModelCall({ model: 'gpt-4o', ...(event.estimate === null ? {} : { estimatedInputTokens: event.estimate }) });
              if (admission.reservationId) session.releaseModelCall(admission.reservationId);
              expect(internals(session).budget.reserved.tokens).toBeGreaterThanOrEqual(0);
              break;
            }
            case 'message':
              await session.message(event.role as 'user', event.content);
              break;
            case 'define':
              await session.defineTools(event.tools as ToolDefinition[]);
              break;
            case 'control':
              if (event.what === 'kill') session.kill('fuzz');
              else if (event.what === 'resume') session.resume();
              else await session.acceptDefinitions();
              break;
            case 'subagent':
              await session.subagentOutput(event.content, { agent: 'helper' });
              break;
          }
          expect(Date.now() - started).toBeLessThan(BUDGET_MS);
          expect(Number.isFinite(internals(session).budget.spent.tokens)).toBe(true);
        }
        // Once killed, nothing runs any more.
        if (session.status === 'killed') {
          const before = runs;
          const wrapped = session.wrapTool('search', async () => {
            runs += 1;
            return 1;
          });
          await wrapped({ query: 'after kill' });
          expect(runs).toBe(before);
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
