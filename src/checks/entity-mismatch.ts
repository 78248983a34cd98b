import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';
import type { Flag } from '../trace/events.js';
import { idTokens } from '../text/tokens.js';

/** A tool result carrying an entity of a kind the session is about, with another value than the session's. */
export const entityMismatch = defineCheck('entity-mismatch', ['tool.result'], (event, context) => {
  if (!context.session.hasSessionEntities() || event.is_error === true) return [];
  const flags: Flag[] = [];
  const seen = new Set<string>();
  for (const { key, value, path } of context.content().keyed) {
    const expected = context.session.sessionEntities(key);
    if (!expected || expected.size === 0) continue;
    const tokens = idTokens(value);
    if (tokens.length === 0 || tokens.every((token) => expected.has(token))) continue;
    if (seen.has(`${key}\u0000${value}`)) continue;
    seen.add(`${key}\u0000${value}`);
    flags.push(
      flag(AnomalyCode.ENTITY_MISMATCH, event.step, `${event.tool} returned data for ${key.replace(/id$/, '')} ${value}, but this session is about ${[...expected].join(', ')}.`, {
        tool: event.tool,
        path: path || '/',
        found: value,
        expected: [...expected],
      }),
    );
  }
  return flags;
});
