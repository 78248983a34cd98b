import { StringDecoder } from 'node:string_decoder';

/** A JSON value found in a stream: its text, the line it starts on, and the top-level array holding it, if any. */
export type JsonItem =
  | { kind: 'value'; text: string; line: number; array?: number }
  | { kind: 'array-end'; array: number; line: number }
  | { kind: 'too-large'; line: number; array?: number };

const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\ufeff']);

/**
 * Splits a stream of JSON text into values without parsing it whole: top-level values one after
 * another (a JSON document, or JSON Lines), and the elements of a top-level array one by one. Memory
 * is bounded by the largest single value (`maxValueLength`; a larger one is skipped and reported),
 * so a 50 MB array of transcripts converts in the memory of one transcript.
 */
export async function* jsonValues(chunks: AsyncIterable<Buffer | string>, maxValueLength = 64 * 1024 * 1024): AsyncGenerator<JsonItem> {
  const decoder = new StringDecoder('utf8');
  let depth = 0; // nesting depth, counting a top-level array being streamed
  let inString = false;
  let escaped = false;
  let arrayIndex = -1; // the top-level array being streamed, or -1
  let arrays = 0;
  let capturing = false;
  let parts: string[] = [];
  let size = 0;
  let tooLarge = false;
  let startLine = 1;
  let line = 1;
  /** Depth at which the value being captured lives: 0 at top level, 1 inside a streamed array. */
  const base = () => (arrayIndex >= 0 ? 1 : 0);

  function* take(text: string): Generator<JsonItem> {
    let from = 0; // start of the current capture within `text`
    const flush = (to: number) => {
      if (!capturing || tooLarge) return;
      const piece = text.slice(from, to);
      size += piece.length;
      if (size > maxValueLength) {
        tooLarge = true;
        parts = [];
      } else parts.push(piece);
    };
    const finish = (to: number): JsonItem => {
      flush(to);
      const item: JsonItem = tooLarge
        ? { kind: 'too-large', line: startLine, ...(arrayIndex >= 0 ? { array: arrayIndex } : {}) }
        : { kind: 'value', text: parts.join(''), line: startLine, ...(arrayIndex >= 0 ? { array: arrayIndex } : {}) };
      capturing = false;
      tooLarge = false;
      parts = [];
      size = 0;
      return item;
    };
    for (let at = 0; at < text.length; at += 1) {
      const char = text[at]!;
      if (char === '\n') line += 1;
      if (inString) {
        if (escaped) escaped = false;
        else if (char === '\\') escaped = true;
        else if (char === '"') {
          inString = false;
          if (depth === base() && capturing) yield finish(at + 1); // a string value at its own level
        }
        continue;
      }
      if (!capturing) {
        if (WHITESPACE.has(char) || (arrayIndex >= 0 && char === ',')) continue;
        if (arrayIndex >= 0 && char === ']') {
          yield { kind: 'array-end', array: arrayIndex, line };
          arrayIndex = -1;
          depth = 0;
          continue;
        }
        if (arrayIndex < 0 && char === '[') {
          arrayIndex = arrays++;
          depth = 1;
          continue;
        }
        capturing = true;
        startLine = line;
        from = at;
        if (char === '"') {
          inString = true;
          continue;
        }
        if (char === '{' || char === '[') {
          depth += 1;
          continue;
        }
        // A bare number, true, false or null: runs to the next delimiter.
        continue;
      }
      if (char === '"') inString = true;
      else if (char === '{' || char === '[') depth += 1;
      else if (char === '}' || char === ']') {
        if (depth === base()) {
          // The end of a bare primitive inside the streamed array, then the array's end.
          yield finish(at);
          if (arrayIndex >= 0) {
            yield { kind: 'array-end', array: arrayIndex, line };
            arrayIndex = -1;
            depth = 0;
          }
          continue;
        }
        depth -= 1;
        if (depth === base()) yield finish(at + 1);
      } else if (depth === base() && (char === ',' || WHITESPACE.has(char))) yield finish(at);
    }
    flush(text.length);
  }

  for await (const chunk of chunks) yield* take(typeof chunk === 'string' ? chunk : decoder.write(chunk));
  yield* take(decoder.end());
  if (capturing) {
    // Unfinished input: what there is goes to JSON.parse, which says what is wrong with it.
    yield tooLarge ? { kind: 'too-large', line: startLine } : { kind: 'value', text: parts.join(''), line: startLine, ...(arrayIndex >= 0 ? { array: arrayIndex } : {}) };
  } else if (arrayIndex >= 0) yield { kind: 'value', text: '[', line }; // an array never closed
}
