import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';
import type { Flag } from '../trace/events.js';
import { idTokens } from '../text/tokens.js';
import { isAboutSubject } from './result-subject.js';
import { hasArgumentValue } from '../text/canonical-args.js';

/**
 * A tool result about an entity of a kind the session is about, with another value than the session's.
 * Only the result's subject counts (see result-subject.ts): related entities listed inside it do not.
 */
export const entityMismatch = defineCheck('entity-mismatch', ['tool.result'], (event, context) => {
  if (!context.session.hasSessionEntities() || event.is_error === true) return [];
  const flags: Flag[] = [];
  const seen = new Set<string>();
  let callValues: { has(value: string): boolean } | undefined;
  for (const { key, value, path } of context.content().keyed) {
    const expected = context.session.sessionEntities(key);
    if (!expected || expected.size === 0) continue;
    const tokens = idTokens(value);
    if (tokens.length === 0 || tokens.every((token) => expected.has(token))) continue;
    if (seen.has(`${key}\u0000${value}`)) continue;
    const record = context.session.toolCall(event.call_id);
    callValues ??= { has: (value: string) => record !== undefined && hasArgumentValue(record.args, value) };
    if (!isAboutSubject(path, context.content().parsed, callValues)) continue;
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
