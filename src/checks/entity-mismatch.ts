import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';
import type { Flag } from '../trace/events.js';
import { idTokens } from '../text/tokens.js';
import { isAboutSubject } from './result-subject.js';
import { hasArgumentValue } from '../text/canonical-args.js';
import { MAX_RECORDS_READ, membersOf, ownerKeyTest, ownRecordMembers, recordAt, type ParsedTexts } from '../text/record-members.js';

/**
 * A tool result about an entity of a kind the session is about, with another value than the session's.
 * Only the result's subject counts (see result-subject.ts): related entities listed inside it do not.
 * Nor does a co-owner: a record whose other owner holds a member the call asked for (a payment method, a
 * flight, an address) that one of the session's own records holds too, in this result or an earlier trusted one.
 */
export const entityMismatch = defineCheck('entity-mismatch', ['tool.result'], (event, context) => {
  if (!context.session.hasSessionEntities() || event.is_error === true) return [];
  const flags: Flag[] = [];
  const seen = new Set<string>();
  let callValues: { has(value: string): boolean } | undefined;
  let ownMembers: Set<string> | undefined;
  let checked = 0;
  const parsedTexts: ParsedTexts = new Map();
  const isOwnerKey = ownerKeyTest((key) => context.session.sessionEntities(key) !== undefined);
  const keyed = context.content().keyed;
  for (const { key, value, path } of keyed) {
    const expected = context.session.sessionEntities(key);
    if (!expected || expected.size === 0) continue;
    const tokens = idTokens(value);
    if (tokens.length === 0 || tokens.every((token) => expected.has(token))) continue;
    if (seen.has(`${key}\u0000${value}`)) continue;
    const record = context.session.toolCall(event.call_id);
    callValues ??= { has: (value: string) => record !== undefined && hasArgumentValue(record.args, value) };
    if (!isAboutSubject(path, context.content().parsed, callValues)) continue;
    // Members of the session's own records in this result: made once, when another owner is first met (isAboutSubject has parsed it).
    ownMembers ??= ownRecordMembers(context.content().parsed, keyed, (key) => context.session.sessionEntities(key), isOwnerKey, parsedTexts);
    // Past MAX_RECORDS_READ other owners in one result, the rest are flagged as before: the work per result stays bounded.
    const shared = (checked += 1) <= MAX_RECORDS_READ && [...membersOf(recordAt(context.content().parsed, path, parsedTexts), isOwnerKey)].some(
      (member) => callValues!.has(member) && (ownMembers!.has(member) || context.session.isOwnMember(member)),
    );
    if (shared) continue;
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
