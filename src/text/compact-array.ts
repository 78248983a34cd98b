/**
 * Arrays that stay small in most sessions, kept at their exact size: a pushed array reserves room for
 * about 16 more items, which across thousands of sessions of a few model and tool calls is most of
 * their memory. Past `SMALL` items, appending is a plain push (amortized, as before).
 */
const SMALL = 16;

/** `items` with `item` appended: a copy of exactly the right size while small, else `items` itself, pushed. */
export function appended<T extends object>(items: T[], item: T): T[] {
  if (items.length >= SMALL) {
    items.push(item);
    return items;
  }
  const copy = new Array<T>(items.length + 1);
  for (let index = 0; index < items.length; index += 1) copy[index] = items[index]!;
  copy[items.length] = item;
  return copy;
}

/**
 * `appended` for numbers. A separate function on purpose: V8 remembers what each allocation site
 * stores, and numbers made where objects are made are boxed (16 bytes more each).
 */
export function appendedNumber(items: number[], item: number): number[] {
  return insertedNumber(items, items.length, item);
}

/** `appendedNumber`, with `item` put at `at` (0 to the length): a copy of exactly the right size while small, else spliced in. */
export function insertedNumber(items: number[], at: number, item: number): number[] {
  if (items.length >= SMALL) {
    if (at === items.length) items.push(item);
    else items.splice(at, 0, item);
    return items;
  }
  const copy = new Array<number>(items.length + 1);
  for (let index = 0; index < at; index += 1) copy[index] = items[index]!;
  copy[at] = item;
  for (let index = at; index < items.length; index += 1) copy[index + 1] = items[index]!;
  return copy;
}
