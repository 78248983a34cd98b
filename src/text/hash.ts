/**
 * Small non-cryptographic hashes for equality tests on the hot path (loop detection, result
 * identity). 32-bit lanes so every operation stays in V8's integer fast path.
 */

/** FNV-1a over UTF-16 code units, with a murmur finalizer: one linear pass, no allocation. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let hash = seed | 0;
  for (let index = 0; index < text.length; index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return finalize(hash);
}

/**
 * FNV-1a over a Buffer's or typed array's bytes (the first `max`) and its length, with the murmur finalizer: one
 * tight pass, no allocation but a view.
 */
export function hashBytes(view: ArrayBufferView, max: number, seed = 0x811c9dc5): number {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, Math.min(view.byteLength, max));
  let hash = seed ^ view.byteLength;
  for (let index = 0; index < bytes.length; index += 1) hash = Math.imul(hash ^ bytes[index]!, 0x01000193);
  return finalize(hash);
}

/** Murmur3's finalizer: spreads every input bit over the output. */
export function finalize(value: number): number {
  let hash = value | 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash | 0;
}

/** Combines two hashes, order mattering (a path and its next segment). */
export function combine(a: number, b: number): number {
  return finalize(Math.imul(a ^ 0x9e3779b9, 0x27d4eb2d) + b);
}
