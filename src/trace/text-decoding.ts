import { StringDecoder } from 'node:string_decoder';

/** Decodes bytes a chunk at a time; a character split between chunks is held until its end comes. */
interface ChunkDecoder {
  write(bytes: Buffer): string;
  end(): string;
}

/**
 * The decoder a trace's first bytes call for: UTF-16 LE or BE when they are its byte order mark (FF FE, FE FF),
 * or, without a mark, when a NUL stands beside the first character (JSON text never holds a raw NUL, and
 * UTF-16 writes one beside every ASCII character); UTF-8 otherwise.
 */
function decoderFor(head: Buffer): ChunkDecoder {
  const [first, second] = [head[0], head[1]];
  if ((first === 0xff && second === 0xfe) || (first !== 0 && second === 0)) return new StringDecoder('utf16le');
  if ((first === 0xfe && second === 0xff) || (first === 0 && second !== undefined && second !== 0)) {
    // Node's StringDecoder has no big-endian UTF-16; the WHATWG decoder has, and holds a split pair as StringDecoder does.
    const decoder = new TextDecoder('utf-16be', { ignoreBOM: true });
    return { write: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
  }
  return new StringDecoder('utf8');
}

/**
 * A trace's text from its bytes: UTF-8, or UTF-16 (LE or BE) as its first bytes show, the byte order mark
 * dropped either way (an editor's UTF-8 BOM made the first line "not valid JSON"; UTF-16 made every line
 * one). Chunks already text pass as they are, a leading BOM dropped.
 */
export async function* decodedText(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  let decoder: ChunkDecoder | undefined;
  let head: Buffer | undefined;
  let atStart = true;
  const withoutMark = (text: string): string => {
    if (!atStart || text.length === 0) return text;
    atStart = false;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  };
  for await (const chunk of chunks) {
    let text: string;
    if (typeof chunk === 'string') text = chunk;
    else if (decoder) text = decoder.write(chunk);
    else {
      // The encoding is told by two bytes: a first chunk of one byte waits for the next.
      head = head ? Buffer.concat([head, chunk]) : chunk;
      if (head.length < 2) continue;
      decoder = decoderFor(head);
      text = decoder.write(head);
      head = undefined;
    }
    text = withoutMark(text);
    if (text.length > 0) yield text;
  }
  if (head) decoder = decoderFor(head);
  const rest = decoder ? withoutMark((head ? decoder.write(head) : '') + decoder.end()) : '';
  if (rest.length > 0) yield rest;
}
