/**
 * A string's UTF-16 code units in a typed array, copied by one native call. A per-character loop reads
 * a typed array faster than `charCodeAt` (no check of the string's representation on every read:
 * sliced, concatenated, one- or two-byte), so the passes that read every character of large content
 * read it here.
 */
import { endianness } from 'node:os';

const LITTLE_ENDIAN = endianness() === 'LE';
/** The scratch buffer is reused up to this many code units; longer texts get a buffer of their own, dropped after use. */
const MAX_SCRATCH_UNITS = 1 << 20;
let scratch = Buffer.allocUnsafeSlow(0);

/**
 * `text`'s code units. The array is a view of a buffer the next call overwrites: read it before
 * calling again (the passes that use it read it whole, synchronously).
 */
export function codeUnits(text: string): Uint16Array {
  const bytes = text.length * 2;
  let buffer = scratch;
  if (buffer.length < bytes) {
    buffer = Buffer.allocUnsafeSlow(bytes);
    if (text.length <= MAX_SCRATCH_UNITS) scratch = buffer;
  }
  buffer.write(text, 0, bytes, 'utf16le');
  // (allocUnsafeSlow buffers start at offset 0 of their own memory: the view is aligned.)
  if (!LITTLE_ENDIAN) buffer.subarray(0, bytes).swap16();
  return new Uint16Array(buffer.buffer, buffer.byteOffset, text.length);
}
