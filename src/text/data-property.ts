/**
 * Sets `target[key]` as a plain data property, whatever the key: `__proto__` (an own field of any
 * object JSON.parse made, so of any trace line, result or arguments) is defined, not assigned, so it
 * stays data and cannot reach the prototype. Every other key is assigned: the fast path.
 */
export function setDataProperty(target: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else (target as Record<string | number, unknown>)[key] = value;
}
