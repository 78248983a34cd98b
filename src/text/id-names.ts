const SNAKE_ID = /^(?:id|ids|uuid|guid)$|[_\-.](?:id|ids|uuid|guid)$/i;
const CAMEL_ID = /[a-z0-9](?:Id|Ids|ID|IDs|Uuid|UUID|Guid|GUID)$/;

/** Answers for argument names seen (they repeat on every call), bounded; long names are not kept. */
const known = new Map<string, boolean>();

/** `id`, `order_id`, `orderId`, `order_ids`, `userID`: names that mark an identifier (not `paid`, `valid`). */
export function isIdName(key: string): boolean {
  // Every such name ends in d, D or s: most keys are ruled out without a regular expression.
  const last = key.charCodeAt(key.length - 1);
  if (last !== 100 && last !== 68 && last !== 115 && last !== 83) return false;
  let answer = known.get(key);
  if (answer === undefined) {
    answer = SNAKE_ID.test(key) || CAMEL_ID.test(key);
    if (known.size < 4_096 && key.length <= 64) known.set(key, answer);
  }
  return answer;
}
