/**
 * Strings a tool definition offers for its arguments: `enum`, `const`, `default` and `examples`
 * values anywhere in the input schema, and the tool's and its properties' descriptions. Their ids
 * are trusted context: the definition vouches for them. Bounded by the (already vetted) schema size.
 */
export function definitionTexts(definition: { description?: string; input_schema?: unknown }, limit = 2_000): string[] {
  const texts: string[] = [];
  if (typeof definition.description === 'string') texts.push(definition.description);
  const stack: unknown[] = [definition.input_schema];
  while (stack.length > 0 && texts.length < limit) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
      if ((key === 'description' || key === 'const' || key === 'default') && (typeof child === 'string' || typeof child === 'number')) collect(child, texts);
      else if ((key === 'enum' || key === 'examples') && Array.isArray(child)) for (const item of child) collect(item, texts);
      else if (child !== null && typeof child === 'object') stack.push(child);
    }
  }
  return texts;
}

function collect(value: unknown, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (typeof value === 'number') into.push(String(value));
}
