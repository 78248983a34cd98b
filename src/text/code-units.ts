/**
 * A string's UTF-16 code units in a typed array, copied by one native call. A per-character loop reads
 * a typed array several times faster than `charCodeAt` (which checks the string's representation on
 * every read: sliced, concatenated, one- or two-byte), so the passes that read every character of
 * large content read it here. For short separate strings the copy's call costs more than it saves.
 */
import { endianness } from 'node:os';

const LITTLE_ENDIAN = endianness() === 'LE';

/** A reusable buffer of code units: each read overwrites the last. */
export class CodeUnits {
  private buffer = Buffer.allocUnsafeSlow(0);

  /** @param maxKeptUnits the buffer is kept for reuse up to this size; a longer text gets one of its own, dropped after use. */
  constructor(private readonly maxKeptUnits: number) {}

  /**
   * The code units of `text` from `start`, `count` of them: element i is `text.charCodeAt(start + i)`.
   * A view of this buffer's memory: read it before the next read.
   */
  read(text: string, start = 0, count = text.length - start): Uint16Array {
    const bytes = count * 2;
    let buffer = this.buffer;
    if (buffer.length < bytes) {
      buffer = Buffer.allocUnsafeSlow(bytes);
      if (count <= this.maxKeptUnits) this.buffer = buffer;
    }
    buffer.write(start === 0 && count === text.length ? text : text.slice(start, start + count), 0, bytes, 'utf16le');
    if (!LITTLE_ENDIAN) buffer.subarray(0, bytes).swap16();
    // (allocUnsafeSlow buffers start at offset 0 of memory of their own: the view is aligned.)
    return new Uint16Array(buffer.buffer, buffer.byteOffset, count);
  }
}

/**
 * The buffer of the injection passes and of the tokenizer's long leaves (each reads it whole, synchronously,
 * before anything else reads it again): at most 2 MB kept (the scan's chunks are a quarter of that).
 */
const shared = new CodeUnits(1 << 20);

/** `text`'s code units, in a buffer the next call overwrites: read it whole before calling again. */
export function codeUnits(text: string): Uint16Array {
  return shared.read(text);
}
