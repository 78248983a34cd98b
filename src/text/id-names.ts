const SNAKE_ID = /^(?:id|ids|uuid|guid)$|[_\-.](?:id|ids|uuid|guid)$/i;
const CAMEL_ID = /[a-z0-9](?:Id|Ids|ID|IDs|Uuid|UUID|Guid|GUID)$/;

/** `id`, `order_id`, `orderId`, `order_ids`, `userID`: names that mark an identifier (not `paid`, `valid`). */
export function isIdName(key: string): boolean {
  return SNAKE_ID.test(key) || CAMEL_ID.test(key);
}
