/**
 * A framework's tool listing handed to the session (`defineTools`) so that one failure does not
 * poison every later call: a listing that failed (the guard or its store was down) is tried again by
 * the next call that waits for it, once per failure, and that call is then decided either way (an
 * unlisted tool is refused as unknown, which fails closed).
 */
export interface ToolListing {
  /** Resolves once the latest listing settled; never rejects. What model calls wait for before they are shaped. */
  settled(): Promise<void>;
  /** For a tool call: waits for the listing, listing again first if the last attempt failed. Never rejects. */
  ready(): Promise<void>;
}

/**
 * Starts listing a framework's tools in the session now, and hands back what calls wait for.
 * @example
 * const listing = toolListing(() => session.defineTools(definitions));
 * // in each tool's wrapper, before its call is decided:
 * await listing.ready();
 */
export function toolListing(list: () => Promise<unknown>): ToolListing {
  let defined = list();
  let settled = defined.then(
    () => undefined,
    () => undefined,
  );
  return {
    settled: () => settled,
    async ready() {
      try {
        await defined;
      } catch {
        defined = list();
        settled = defined.then(
          () => undefined,
          () => undefined,
        );
        await settled;
      }
    },
  };
}
