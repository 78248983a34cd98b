import type { ToolDefinition } from '../trace/events.js';

/** The definitions of one tool list that a session keeps, and the new names it drops past `limits.maxTools`. */
export interface BoundedDefinitions {
  /** The definitions of names the session knows, or has room for: the list itself when nothing is dropped. */
  readonly kept: readonly ToolDefinition[];
  /** New names past the bound, each once, in list order. */
  readonly dropped: readonly string[];
  /** Distinct tool names the session keeps once the list is applied. */
  readonly count: number;
}

/** The tool names a session keeps already: defined, or held back for acceptance. */
export interface KnownToolNames {
  has(name: string): boolean;
  readonly size: number;
}

/**
 * Splits a tool list at the session's bound, in one pass: a name the session knows (a relist, a changed
 * definition) is kept whatever the count, each new name takes one place while there is room (listed
 * twice, it counts once), and new names past the bound are dropped. Known tools are never evicted to make
 * room: a server could otherwise push a pinned tool out and list it again changed, unflagged.
 */
export function boundDefinitions(tools: readonly ToolDefinition[], known: KnownToolNames, maxTools: number): BoundedDefinitions {
  let count = known.size;
  let fresh: Set<string> | undefined;
  let dropped: Set<string> | undefined;
  // Copied only once something is dropped: a list within the bound is kept as it is.
  let kept: ToolDefinition[] | undefined;
  for (let index = 0; index < tools.length; index += 1) {
    const definition = tools[index]!;
    const name = definition.name;
    if (known.has(name) || fresh?.has(name)) {
      kept?.push(definition);
    } else if (count < maxTools) {
      (fresh ??= new Set()).add(name);
      count += 1;
      kept?.push(definition);
    } else {
      kept ??= tools.slice(0, index);
      (dropped ??= new Set()).add(name);
    }
  }
  return { kept: kept ?? tools, dropped: dropped === undefined ? [] : [...dropped], count };
}
