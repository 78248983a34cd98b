import type { ToolCallEvent } from '../trace/events.js';
import type { Policy, ToolPolicy } from '../policy/policy.js';
import type { RegisteredTool } from '../state/tool-registry.js';
import { canonicalArguments, type CanonicalArguments, type DeclaredArguments } from '../text/canonical-args.js';
import { declaredArguments } from '../schema/declared-arguments.js';
import { forEachToken, idTokens } from '../text/tokens.js';
import { forEachGroupedNumber } from '../text/grouped-numbers.js';
import { forEachCodeInParts } from '../text/code-parts.js';
import { isIdName } from '../text/id-names.js';
import { parseJsonText } from '../text/json-text.js';
import { decodePercentEscapes } from '../text/percent-decode.js';
import type { EntityPattern } from './entity-patterns.js';
import { idValueTokens } from '../text/id-tokens.js';
import { canonicalUuid } from '../text/hex-id-forms.js';
import { foldFullWidth } from '../text/cjk-text.js';
import type { ScanBudget } from '../text/linear-regex.js';
import type { ArgumentProblem } from '../state/argument-snapshot.js';

/** An id value (or key) as a reference: every form of it yields tokens, so none skips provenance. */
function idReference(path: string, value: string, via: EntityReference['via'], key?: true): EntityReference | undefined {
  // A UUID in braces or as `urn:uuid:` is the UUID (its `urn` and `uuid` are no ids to look up).
  const { tokens, wildcard, obfuscated } = idValueTokens(canonicalUuid(value) ?? value);
  if (tokens.length === 0 && !wildcard && obfuscated === undefined) return undefined;
  return { path, value, tokens, via, ...(wildcard ? { wildcard } : {}), ...(obfuscated ? { obfuscated } : {}), ...(key ? { key } : {}) };
}
import { createdNoun, endedNoun, isIdentifierToken, namesEndedRecord, notAReference } from './entity-reference.js';
import { accountsIn } from '../text/account-destinations.js';
import { destinationOf, isDestinationName } from './destination-arguments.js';
import { cutAddressToken } from '../text/mail-local-parts.js';
import { idnCounterpart } from '../text/idn-domains.js';
import { forEachDestinationForm } from '../text/joined-forms.js';
import type { NationalNumber } from '../text/phone-numbers.js';

/** An entity id a tool call refers to. */
export interface EntityReference {
  /** JSON pointer of the argument. */
  path: string;
  value: string;
  /** Its ledger tokens (one for an ordinary id). */
  tokens: string[];
  /**
   * Other tokens that name the same destination (a phone number's national form: `5550100199` for
   * `+15550100199`): with one token, the reference is known from trusted context when any of them is, and
   * seen in untrusted content when any of them was.
   */
  forms?: readonly string[];
  /** A phone the call wrote with a country code: its national number, as content may have written it (`NationalNumber`). */
  national?: NationalNumber;
  /**
   * Why it counts as an id: its argument name, the policy's argument list, a kind's pattern in text,
   * an account (email, IBAN, wallet) in a destructive call, checked only for untrusted provenance, or
   * a token of one of the session's id shapes in a free-text argument (a URL, a query, a message body).
   */
  via: 'name' | 'policy' | 'pattern' | 'account' | 'shape';
  kind?: string;
  /** For `via: 'shape'`: the id shape it matched, and where the session learned it. */
  shape?: { source: string; origin: string };
  /** The value selects many records (`*`, `%`, empty) instead of naming one. */
  wildcard?: boolean;
  /** The value hides what it names behind invisible or look-alike characters. */
  obfuscated?: 'invisible' | 'confusable';
  /** The id is an object key, not a value. */
  key?: true;
}

export type { ArgumentProblem };

/** A tool call parsed and indexed once, shared by every check that decides it. */
export interface PreparedCall {
  tool: RegisteredTool | undefined;
  /** The parsed arguments; `undefined` when they could not be used. */
  arguments: Record<string, unknown> | undefined;
  problem?: ArgumentProblem;
  canonical: CanonicalArguments;
  references: EntityReference[];
  /** Every token in the argument values: what a result merely echoes. */
  echoTokens: Set<string>;
  /**
   * String values no id-like name, policy path or pattern marks (URLs, queries, message bodies), with
   * their JSON pointers: searched for the session's id shapes by the provenance check.
   */
  freeText: ReadonlyArray<{ path: string; text: string }>;
}


function parseArguments(raw: ToolCallEvent['arguments'], policy: Policy): { value?: unknown; problem?: ArgumentProblem } {
  if (typeof raw !== 'string') return { value: raw };
  if (raw.length > policy.limits.maxArgumentBytes) {
    return { problem: { reason: 'too_large', detail: `arguments are ${raw.length} bytes, over the limit of ${policy.limits.maxArgumentBytes}` } };
  }
  if (raw.trim() === '') return { value: {} };
  try {
    return { value: JSON.parse(raw) };
  } catch (error) {
    return { problem: { reason: 'unparseable', detail: `arguments are not valid JSON (${(error as Error).message})` } };
  }
}

interface Frame {
  node: unknown;
  /** The frame it is inside, and its key or index there: its JSON pointer is written only when a finding needs it. */
  parent: Frame | undefined;
  step: string | number;
  path: string | undefined;
  /** Its path as the policy names arguments (`items[].item_id`), kept only when the tool's policy lists any. */
  policyPath: string;
  depth: number;
  /** Inside an argument whose name marks an id (or the policy lists). */
  idVia: EntityReference['via'] | undefined;
  /** The name of the id-named argument it is inside. */
  idKey: string;
  /** Inside an argument the tool's policy ignores (`ignoreArguments`): not read for ids at all. */
  ignored: boolean;
}

/** Per-policy and per-tool data the walk reads, made once (not per call): they never change after creation. */
const NO_PATHS: ReadonlySet<string> = new Set();
const toolPaths = new WeakMap<ToolPolicy, { entity: ReadonlySet<string>; ignored: ReadonlySet<string> }>();
const textPatternsOf = new WeakMap<readonly EntityPattern[], readonly EntityPattern[]>();
const NO_PATTERNS: readonly EntityPattern[] = Object.freeze([]);
const createdNouns = new WeakMap<RegisteredTool, string | undefined>();
const endedNouns = new WeakMap<RegisteredTool, string | undefined>();
const declaredByTool = new WeakMap<RegisteredTool, DeclaredArguments | null>();

function pathsOf(toolPolicy: ToolPolicy | undefined): { entity: ReadonlySet<string>; ignored: ReadonlySet<string> } {
  if (toolPolicy === undefined) return NO_TOOL_PATHS;
  let paths = toolPaths.get(toolPolicy);
  if (paths === undefined) {
    paths = { entity: new Set(toolPolicy.entityArguments ?? []), ignored: new Set(toolPolicy.ignoreArguments ?? []) };
    toolPaths.set(toolPolicy, paths);
  }
  return paths;
}
const NO_TOOL_PATHS = { entity: NO_PATHS, ignored: NO_PATHS };

function textPatterns(patterns: readonly EntityPattern[]): readonly EntityPattern[] {
  // No entity patterns in the policy (the default): nothing to look up.
  if (patterns.length === 0) return NO_PATTERNS;
  let found = textPatternsOf.get(patterns);
  if (found === undefined) {
    found = patterns.filter((pattern) => pattern.inText !== undefined);
    textPatternsOf.set(patterns, found);
  }
  return found;
}

/** The record a tool ends or removes (`delete_pod`): its top-level argument of that noun, or `name`, refers to it. */
function endedNounOf(tool: RegisteredTool | undefined): string | undefined {
  if (tool === undefined || tool.kind === 'create') return undefined;
  if (!endedNouns.has(tool)) endedNouns.set(tool, endedNoun(tool.definition.name));
  return endedNouns.get(tool);
}

/** The record a create makes is named by its own id: `create_order({order_id})` introduces it. */
function nounOf(tool: RegisteredTool | undefined): string | undefined {
  if (tool?.kind !== 'create') return undefined;
  if (!createdNouns.has(tool)) createdNouns.set(tool, createdNoun(tool.definition.name));
  return createdNouns.get(tool);
}

/**
 * What the tool's input schema declares, read once per registered tool (on its first call, not when
 * listed: a server may list thousands of tools). A schema that could not be used declares nothing.
 */
function declaredOf(tool: RegisteredTool | undefined): DeclaredArguments | undefined {
  if (tool === undefined) return undefined;
  let declared = declaredByTool.get(tool);
  if (declared === undefined) {
    declared = tool.schemaError === undefined ? declaredArguments(tool.definition.input_schema) ?? null : null;
    declaredByTool.set(tool, declared);
  }
  return declared ?? undefined;
}

const NO_FREE_TEXT: ReadonlyArray<{ path: string; text: string }> = Object.freeze([]);

/** Canonical arguments of a call whose arguments could not be used: one value, shared (never changed). */
export const NO_CANONICAL: CanonicalArguments = (() => {
  const canonical = canonicalArguments({}, 1);
  Object.freeze(canonical.leaves);
  return Object.freeze(canonical);
})();

/**
 * A call whose arguments cannot be used. A problem found mid-walk keeps what the walk found before it
 * (references are still checked for provenance).
 */
export function unusableCall(tool: RegisteredTool | undefined, problem: ArgumentProblem, references: EntityReference[] = [], echoTokens = new Set<string>()): PreparedCall {
  return { tool, arguments: undefined, canonical: NO_CANONICAL, references, echoTokens, freeText: NO_FREE_TEXT, problem };
}

const NO_PARAMETERS: ReadonlyArray<[string, string]> = [];

/** The query parameters of a URL (`https://...?order_id=ord_1`), decoded as the server reads them, or none. */
function queryParameters(text: string): ReadonlyArray<[string, string]> {
  if (!(text.startsWith('https://') || text.startsWith('http://')) || !text.includes('?')) return NO_PARAMETERS;
  try {
    return [...new URL(text).searchParams];
  } catch {
    return NO_PARAMETERS;
  }
}

/**
 * A form-encoded body (`to=eve%40evil.test&amount=500`), as `application/x-www-form-urlencoded` APIs
 * (Stripe, Twilio, Mailgun) take it: its fields say where the call sends, as a URL's query does.
 * Only a value that is nothing but `name=value` pairs, at most 8 KiB, is read (the pattern is linear).
 */
const FORM_BODY = /^[\w.\-[\]]{1,64}=[^\s&=]*(?:&[\w.\-[\]]{1,64}=[^\s&=]*)+$/;

function formParameters(text: string): ReadonlyArray<[string, string]> {
  if (text.length > 8_192 || !FORM_BODY.test(text)) return NO_PARAMETERS;
  return [...new URLSearchParams(text)];
}

/**
 * The destinations one value of a destructive call names: its accounts (emails, IBANs, wallets) wherever it
 * stands; else, under a destination name, the phone or account number or handle it is.
 */
function addDestinations(references: EntityReference[], path: string, value: string, underDestinationName: boolean): void {
  const accounts = accountsIn(value);
  for (const account of accounts) {
    // `o'brien@x.test` is one mailbox, read whole as content is (`mail-local-parts.ts`), not as `o` and `brien@x.test`.
    const whole = cutAddressToken(account);
    const tokens = whole === undefined ? idTokens(account) : [whole];
    // `eve@пример.рф` and `eve@xn--e1afmkfd.xn--p1ai` are one mailbox: content that wrote either vouches for it or taints it.
    const idn = tokens.length === 1 && account.includes('@') ? idnCounterpart(tokens[0]!) : undefined;
    if (tokens.length > 0) references.push({ path, value: account, tokens, ...(idn !== undefined ? { forms: [idn] } : {}), via: 'account' });
  }
  if (accounts.length > 0 || !underDestinationName) return;
  const destination = destinationOf(value);
  if (destination === undefined) return;
  const { token, forms, national } = destination;
  references.push({ path, value: value.trim(), tokens: [token], ...(forms.length > 0 ? { forms } : {}), ...(national ? { national } : {}), via: 'account' });
}

/** The name of the argument a value is under (`recipients` for `/recipients/0`); `''` at the top. */
function nearestKey(frame: Frame): string {
  let at: Frame | undefined = frame;
  while (at !== undefined && (typeof at.step === 'number' || at.step === '')) at = at.parent;
  return at === undefined ? '' : at.step as string;
}

/** A frame's JSON pointer (`/items/0/item_id`; `''` for the arguments themselves). */
function pathOf(frame: Frame): string {
  if (frame.path === undefined) frame.path = `${pathOf(frame.parent!)}/${frame.step}`;
  return frame.path;
}

export function prepareCall(
  event: ToolCallEvent,
  tool: RegisteredTool | undefined,
  toolPolicy: ToolPolicy | undefined,
  policy: Policy,
  patterns: readonly EntityPattern[],
): PreparedCall {
  // Arguments already parsed (the snapshot, as every live call has them) need no result object.
  const parsed = typeof event.arguments === 'string' ? parseArguments(event.arguments, policy) : undefined;
  if (parsed?.problem) return unusableCall(tool, parsed.problem);
  const args = parsed === undefined ? event.arguments : parsed.value;
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    return unusableCall(tool, { reason: 'not_an_object', detail: `arguments must be a JSON object, got ${Array.isArray(args) ? 'an array' : typeof args}` });
  }
  const references: EntityReference[] = [];
  const echoTokens = new Set<string>();
  let freeText: Array<{ path: string; text: string }> | undefined;
  const { entity: entityPaths, ignored: ignoredPaths } = pathsOf(toolPolicy);
  const inText = textPatterns(patterns);
  const noun = nounOf(tool);
  const ended = endedNounOf(tool);
  const toolName = event.tool;
  let bytes = 0;
  let budget: ScanBudget | undefined;
  const findPatterns = (text: string, path: string, key?: true) => {
    budget ??= { chars: policy.limits.maxPatternScanChars };
    // Full-width forms read as ASCII (`Ｗ２３７８１５６`), as tokens read them.
    const folded = foldFullWidth(text);
    for (const pattern of inText) {
      for (const match of pattern.inText!.find(folded, budget)) {
        references.push({ path: path || '/', value: match.token, tokens: idTokens(match.token), via: 'pattern', kind: pattern.kind, ...(key ? { key } : {}) });
      }
    }
  };
  const echo = (token: string) => void echoTokens.add(token);
  const policyPaths = entityPaths.size > 0 || ignoredPaths.size > 0;
  const stack: Frame[] = [{ node: args, parent: undefined, step: '', path: '', policyPath: '', depth: 0, idVia: undefined, idKey: '', ignored: false }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { node, policyPath, depth, idVia, idKey } = frame;
    if (depth > policy.limits.maxDepth) {
      return unusableCall(tool, { reason: 'too_deep', detail: `arguments nest deeper than ${policy.limits.maxDepth} levels` }, references, echoTokens);
    }
    if (Array.isArray(node)) {
      const childPolicyPath = policyPaths ? `${policyPath}[]` : '';
      for (let index = node.length - 1; index >= 0; index -= 1) {
        stack.push({ node: node[index], parent: frame, step: index, path: undefined, policyPath: childPolicyPath, depth: depth + 1, idVia, idKey, ignored: frame.ignored });
      }
      continue;
    }
    if (node !== null && typeof node === 'object') {
      const keys = Object.keys(node);
      // Pushed last to first, so ids are found (and flagged) in argument order.
      for (let index = keys.length - 1; index >= 0; index -= 1) {
        const key = keys[index]!;
        if (key === '__proto__') {
          return unusableCall(tool, { reason: 'forbidden_key', detail: `arguments carry a "__proto__" key at ${pathOf(frame) || '/'}` }, references, echoTokens);
        }
        bytes += key.length;
        // Ids as object keys: every key of an id-named container, and keys a kind's pattern finds.
        // (Only keys with a digit: `{"order_ids": {"ord_1": 2}}`, not `{"filter_ids": {"include": [...]}}`.)
        const keyReference = idVia === undefined || !/\p{N}/u.test(key) ? undefined : idReference(`${pathOf(frame)}/${key}`, key, idVia, true);
        if (keyReference) references.push(keyReference);
        else if (idVia === undefined && !frame.ignored) {
          // A key under a plain name is searched as a plain value there is (`{"items": {"W1234567": 1}}` names
          // W1234567 as surely as `{"items": ["W1234567"]}`): by the kinds' patterns, and, with a digit, the session's id shapes.
          if (inText.length > 0) findPatterns(key, `${pathOf(frame)}/${key}`, true);
          if (key.length >= 2 && /\p{N}/u.test(key)) (freeText ??= []).push({ path: `${pathOf(frame)}/${key}`, text: key.includes('%') ? decodePercentEscapes(key) : key });
        }
        const childPolicyPath = !policyPaths ? '' : policyPath === '' ? key : `${policyPath}.${key}`;
        const ignored = frame.ignored || (policyPaths && ignoredPaths.has(childPolicyPath));
        const via = ignored ? undefined : policyPaths && entityPaths.has(childPolicyPath) ? 'policy' : isIdName(key) ? 'name' : depth === 0 && ended !== undefined && namesEndedRecord(key, ended) ? 'name' : idVia;
        stack.push({ node: (node as Record<string, unknown>)[key], parent: frame, step: key, path: undefined, policyPath: childPolicyPath, depth: depth + 1, idVia: via, idKey: via === idVia ? idKey : key, ignored });
      }
      continue;
    }
    if (typeof node !== 'string' && typeof node !== 'number') continue;
    const text = String(node);
    /** A URL's query, read once for its id-named and destination-named parameters. */
    let query: ReadonlyArray<[string, string]> | undefined;
    bytes += text.length;
    if (bytes > policy.limits.maxArgumentBytes) {
      return unusableCall(tool, { reason: 'too_large', detail: `arguments exceed ${policy.limits.maxArgumentBytes} bytes` }, references, echoTokens);
    }
    forEachToken(text, echo);
    // And its digits joined ("4421 486" echoed as "4421486", or back), a code's parts run together ("ORD-2024-000123"
    // echoed as "ORD 2024 000123"): a result repeating the call vouches for neither.
    forEachGroupedNumber(text, echo);
    forEachCodeInParts(text, echo);
    // A phone's forms (`+1 (555) 010-0199` echoed as `5550100199`) and an address read whole (`o'brien@x.test`), likewise.
    forEachDestinationForm(text, echo);
    // An argument the tool's policy ignores is read for nothing else (ids, patterns, free text), nested values included.
    if (frame.ignored) continue;
    // Locale codes, page numbers, plain words and a create's own id are named like ids but name no record.
    if (idVia === 'name' && notAReference(idKey, node, noun, toolName) !== undefined) continue;
    // The record an ending tool acts on, named without an id word (`delete_pod({name})`): a reference when it holds an identifier.
    if (idVia === 'name' && ended !== undefined && !isIdName(idKey) && !isIdentifierToken(text)) continue;
    if (idVia !== undefined) {
      const reference = idReference(pathOf(frame) || '/', text, idVia);
      if (reference) references.push(reference);
      continue;
    }
    if (typeof node === 'string') {
      // JSON text in a string argument (a request body) is walked like the arguments around it: an id
      // inside it is no less an id. Its text was counted above; its content is not counted again.
      const nested = node.length > 1 ? parseJsonText(node) : undefined;
      if (nested !== undefined && nested !== null && typeof nested === 'object') {
        bytes -= text.length;
        stack.push({ node: nested, parent: frame, step: '', path: pathOf(frame), policyPath, depth: depth + 1, idVia, idKey, ignored: frame.ignored });
        continue;
      }
      // Searched as the server reads it: `/orders/ord%5F9002` names ord_9002 (no `%`, no work).
      if (node.length >= 2) (freeText ??= []).push({ path: pathOf(frame) || '/', text: node.includes('%') ? decodePercentEscapes(node) : node });
      // A URL's query parameters named like ids are id arguments too (`?order_id=ord_1`).
      query = queryParameters(node);
      for (const [name, value] of query) {
        if (!isIdName(name) || notAReference(name, value, noun, toolName) !== undefined) continue;
        const reference = idReference(`${pathOf(frame) || ''}?${name}`, value, 'name');
        if (reference) references.push(reference);
      }
    }
    if (tool?.destructive) {
      // A phone number, account number or handle is a destination only under a name that says so (`recipient`,
      // `phone`), a JSON number too (`{"account_number": 7781234556}`); an email or IBAN is one anywhere a string is.
      const underDestinationName = idVia === undefined && isDestinationName(nearestKey(frame));
      if (typeof node === 'string' || underDestinationName) addDestinations(references, pathOf(frame) || '/', text, underDestinationName);
      // And in a URL's query (`https://bank.example/pay?recipient=DE44...&amount=500`) or a form body, as the server reads it.
      if (typeof node === 'string') {
        query ??= queryParameters(node);
        for (const [name, value] of query.length > 0 ? query : formParameters(node)) {
          if (isDestinationName(name)) addDestinations(references, `${pathOf(frame) || ''}?${name}`, value, true);
        }
      }
    }
    // Numbers too: `{"ref": 123456}` is an id where a kind's pattern says so.
    if (inText.length > 0) findPatterns(text.includes('%') ? decodePercentEscapes(text) : text, pathOf(frame));
  }
  const record = args as Record<string, unknown>;
  return { tool, arguments: record, canonical: canonicalArguments(record, policy.limits.maxDepth, declaredOf(tool)), references, echoTokens, freeText: freeText ?? NO_FREE_TEXT };
}
