/**
 * A framework's tool handed back guarded: a copy with the guard's functions in place of some properties,
 * and everything else as the original defines it. A copy, not the tool changed in place, because the
 * application may hold the same tool unguarded elsewhere (another agent, a test); as the original defines
 * it, because frameworks read tools in ways a spread loses: a class-built tool's methods and accessors
 * live on its prototype, getters would be called once and frozen as values, symbols and non-enumerable
 * properties would vanish, and a frozen tool would become mutable.
 */

/** How a replaced property is defined when the original has no own property of that name (it comes from the prototype, or nowhere). */
export interface ToolCopyOptions {
  /** Listed by `Object.keys` and spreads, as an own property usually is (default true); false for what stands in for a prototype method. */
  enumerable?: boolean;
}

/**
 * `tool`'s copy with `replaced` properties as plain values: same prototype, same own property descriptors
 * (getters kept as getters, symbols, non-enumerable ones), frozen when the original is. A replaced property
 * keeps the attributes the original's own property has (enumerable, writable, configurable); one the
 * original holds only through its prototype, or not at all, is writable and configurable, enumerable as
 * `options.enumerable` says.
 * @example
 * const guarded = copyToolWith(tool, { execute: guardedExecute });
 */
export function copyToolWith<T extends object>(tool: T, replaced: Readonly<Record<string, unknown>>, options: ToolCopyOptions = {}): T {
  const descriptors = Object.getOwnPropertyDescriptors(tool) as Record<string | symbol, PropertyDescriptor>;
  for (const [key, value] of Object.entries(replaced)) {
    const own = Object.hasOwn(descriptors, key) ? descriptors[key] : undefined;
    descriptors[key] = { value, writable: own?.writable ?? true, enumerable: own?.enumerable ?? options.enumerable ?? true, configurable: own?.configurable ?? true };
  }
  const copy = Object.create(Object.getPrototypeOf(tool) as object | null, descriptors) as T;
  if (Object.isFrozen(tool)) Object.freeze(copy);
  return copy;
}
