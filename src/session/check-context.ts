import type { Flag, SubagentOutputEvent, TraceEvent } from '../trace/events.js';
import { CIRCULAR, TO_JSON_FAILED } from '../trace/redact.js';
import { AnomalyCode } from '../codes.js';
import type { CheckContext } from '../checks/check.js';
import { prepareCall, unusableCall, type ArgumentProblem, type PreparedCall } from '../checks/prepared-call.js';
import type { GuardRuntime } from '../runtime.js';
import type { SessionState } from '../state/session-state.js';
import type { SessionView } from '../state/session-view.js';
import { contentTokenCap, scanContent, scanContentSliced, SCAN_SLICE_MS, type ContentScan, type ScanOptions } from '../text/content-scan.js';
import { readMessageAhead } from '../text/message-tokens.js';
import { boundDefinitions, type BoundedDefinitions } from '../state/tool-bound.js';

const NO_KEYS: ReadonlySet<string> = new Set();

/** The content of an event that carries any (a result, a subagent's output, retrieved text). */
export function contentOf(event: TraceEvent): unknown {
  switch (event.type) {
    case 'tool.result':
      return event.result;
    case 'subagent.output':
    case 'context.add':
      return event.content;
    default:
      return undefined;
  }
}

/** How an event's content is scanned: the session's watched keys, the injection scanner, the bounds. */
export function scanOptions(event: TraceEvent, state: SessionState, runtime: GuardRuntime): ScanOptions {
  return {
    watchedKeys: event.type === 'tool.result' ? state.sessionEntities : NO_KEYS,
    injection: runtime.injection,
    maxDepth: runtime.policy.limits.maxDepth,
    maxTokens: contentTokenCap(runtime.policy.limits.ledgerSize),
    // Replay reads what a recorder wrote: a cycle or a throwing toJSON the live guard could not read is written as a marker.
    ...(runtime.live ? {} : { unreadableMarkers: RECORDED_UNREADABLE }),
  };
}

const RECORDED_UNREADABLE: ReadonlySet<string> = new Set([CIRCULAR, TO_JSON_FAILED]);
/** How the guard's note on unreadable content begins (`readable`): a sink keeping events as objects holds the note. */
const NOTE_PREFIX = '[content not read: ';

/**
 * The scan of an event's content (in slices with yields between them when large; small content synchronously), or
 * undefined for an event without content. Content the scan could not read whole (`ContentScan.problem`: an object
 * holding itself, shared references written out too large, a getter or Proxy that throws) is replaced in the event
 * by a note saying why, and the scan is the note's: no check, listener or store walks it again. The decision then
 * carries GUARD_ERROR (`unreadableContentFlag`).
 */
export function scanEventContent(event: TraceEvent, state: SessionState, runtime: GuardRuntime): ContentScan | Promise<ContentScan | undefined> | undefined {
  if (event.type === 'message' && event.role !== 'assistant' && typeof event.content === 'string') {
    // No check reads a message's content as a scan; the ids it vouches for are read ahead, in slices when long.
    const read = readMessageAhead(event, event.content, contentTokenCap(runtime.policy.limits.ledgerSize), SCAN_SLICE_MS);
    return read instanceof Promise ? read.then(() => undefined) : undefined;
  }
  const content = contentOf(event);
  if (content === undefined) return undefined;
  const options = scanOptions(event, state, runtime);
  if (!runtime.live && typeof content === 'string' && content.startsWith(NOTE_PREFIX) && content.endsWith(']')) {
    // Replay of the note written in place of unreadable content: as unreadable as it was live.
    return withProblem(scanContent(content, options), content.slice(NOTE_PREFIX.length, -1));
  }
  const scan = scanContentSliced(content, options);
  return scan instanceof Promise ? scan.then((done) => readable(event, done, options)) : readable(event, scan, options);
}

function readable(event: TraceEvent, scan: ContentScan, options: ScanOptions): ContentScan {
  // What was read is what the event carries from now on: a sink keeping events as objects records the JSON form
  // a `toJSON` gave (a file sink writes it too, through JSON), and no listener or later reader calls `toJSON` again.
  if (scan.jsonForm !== undefined && scan.problem === undefined) replaceContent(event, scan.jsonForm.value);
  if (scan.problem === undefined) return scan;
  const note = `${NOTE_PREFIX}${scan.problem}]`;
  replaceContent(event, note);
  return withProblem(scanContent(note, options), scan.problem);
}

/** A scan of the note that stands in for unreadable content, marked with why (a scan's getters stay on it: no spread). */
function withProblem(scan: ContentScan, problem: string): ContentScan {
  scan.problem = problem;
  return scan;
}

function replaceContent(event: TraceEvent, content: unknown): void {
  if (event.type === 'tool.result') event.result = content;
  else if (event.type === 'subagent.output' || event.type === 'context.add') event.content = content;
}

/** GUARD_ERROR for content the scan could not read whole (fail closed: the content is withheld by default). */
export function unreadableContentFlag(event: TraceEvent, scan: ContentScan | undefined): Flag | undefined {
  if (scan?.problem === undefined) return undefined;
  return { code: AnomalyCode.GUARD_ERROR, message: `The ${event.type}'s content could not be read: ${scan.problem}.`, step: event.step, evidence: { stage: 'content', problem: scan.problem } };
}

/**
 * What the checks of one event see: the session's view, and the call and content prepared once, on
 * first read. `at` is the event's time when the session already knows it; `scan`, content scanned ahead;
 * `argumentProblem`, what the argument snapshot refused (such arguments are never walked).
 */
export function buildCheckContext(
  event: TraceEvent,
  state: SessionState,
  view: SessionView,
  runtime: GuardRuntime,
  known: { at?: number | undefined; scan?: ContentScan | undefined; argumentProblem?: ArgumentProblem | undefined } = {},
): CheckContext {
  let prepared: PreparedCall | undefined;
  let scanned: ContentScan | undefined = known.scan;
  let bounded: BoundedDefinitions | undefined;
  const at = known.at ?? (event.ts === undefined ? undefined : Date.parse(event.ts));
  return {
    policy: runtime.policy,
    session: view,
    injection: runtime.injection,
    resolvers: runtime.resolvers,
    entityPatterns: runtime.entityPatterns,
    at: at === undefined || Number.isNaN(at) ? undefined : at,
    toolPolicy: (tool) => runtime.policy.tools[tool],
    call: () => {
      if (event.type !== 'tool.call') throw new TypeError(`call() read on a ${event.type} event`);
      // Arguments past a structure limit are never walked: the snapshot already named the problem.
      prepared ??= known.argumentProblem
        ? unusableCall(state.tools.get(event.tool), known.argumentProblem)
        : prepareCall(event, state.tools.get(event.tool), runtime.policy.tools[event.tool], runtime.policy, runtime.entityPatterns);
      return prepared;
    },
    content: () => {
      scanned ??= scanContent(contentOf(event), scanOptions(event, state, runtime));
      return scanned;
    },
    subagentSchema: (output: SubagentOutputEvent) => runtime.subagentSchema(output, view),
    definitions: () => {
      if (event.type !== 'tool.definitions') throw new TypeError(`definitions() read on a ${event.type} event`);
      // Split once, before the event is applied: the checks and the session's update read the same split.
      bounded ??= boundDefinitions(event.tools, { has: (name) => state.keepsTool(name), size: state.keptToolCount }, runtime.policy.limits.maxTools);
      return bounded;
    },
  };
}
