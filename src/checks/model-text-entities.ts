import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';
import type { Flag, TraceEvent } from '../trace/events.js';
import type { CheckContext } from './check.js';
import { normalizeId } from '../text/tokens.js';
// A link's escapes read as the browser reads them: `/orders/ord%5F43` shows ord_43.
import { decodePercentEscapes } from '../text/percent-decode.js';

function textOf(event: TraceEvent, context: CheckContext): { text: string; final: boolean } | undefined {
  if (event.type === 'llm.call') {
    const text = event.output?.text;
    if (typeof text !== 'string' || text === '') return undefined;
    return { text, final: (event.output.tool_calls ?? []).length === 0 };
  }
  if (event.type === 'message' && event.role === 'assistant' && event.content !== context.session.lastModelText) {
    return { text: event.content, final: true };
  }
  return undefined;
}

/**
 * What the model says, intermediate or final: a token of a known id shape that no trusted source
 * ever carried is an invented id, flagged on the step where the model first says it.
 */
export const modelTextEntities = defineCheck('model-text-entities', ['llm.call', 'message'], (event, context) => {
  const said = textOf(event, context);
  if (!said || context.session.idShapeCount() === 0) return [];
  const flags: Flag[] = [];
  for (const { token, shape } of context.session.findIdShapes(said.text.includes('%') ? decodePercentEscapes(said.text) : said.text)) {
    const normalized = normalizeId(token);
    if (normalized === undefined || context.session.provenanceOf(normalized).trusted) continue;
    flags.push(
      flag(AnomalyCode.ENTITY_HALLUCINATION, event.step, `The model ${said.final ? 'told the user' : 'said'} "${token}", an id that appeared in no trusted prior context.`, {
        id: token,
        shape: shape.source,
        shapeOrigin: shape.origin,
        in: 'model_text',
        final: said.final,
      }),
    );
  }
  return flags;
});
