/** What a JSON-RPC frame too large to keep says about itself: enough to answer the request it carries or belongs to. */
export interface FrameEnvelope {
  /** The top-level `id`, when it is a string or a number. */
  id?: string | number;
  /** The top-level `method`: present on requests and notifications, absent on responses. */
  method?: string;
  /** Bytes seen. */
  bytes: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MAX_CAPTURE = 512;

/**
 * Reads the top-level `id` and `method` of a JSON object as its bytes stream past, in one linear pass
 * and constant memory, so an oversized frame can be dropped and still answered. The SDKs write `id`
 * after `params`/`result`, so the whole frame has to be read; long strings are skipped with `indexOf`.
 */
export class FrameSniffer {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** At depth 1: reading a key (true) or a value (false). */
  private expectingKey = true;
  private key: string | undefined;
  private capture: number[] | undefined;
  private capturing: 'key' | 'string-value' | 'scalar-value' | undefined;
  private readonly found: FrameEnvelope = { bytes: 0 };

  feed(chunk: Buffer): void {
    this.found.bytes += chunk.length;
    for (let index = 0; index < chunk.length; index += 1) {
      const byte = chunk[index]!;
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          this.keep(byte);
          continue;
        }
        if (byte === BACKSLASH) {
          this.escaped = true;
          this.keep(byte);
          continue;
        }
        if (byte === QUOTE) {
          this.inString = false;
          this.endString();
          continue;
        }
        if (this.capture === undefined) {
          // Nothing to keep from this string: jump to its closing quote natively.
          const end = closingQuote(chunk, index);
          if (end === -1) {
            this.escaped = trailingBackslashes(chunk, index) % 2 === 1;
            index = chunk.length;
            continue;
          }
          index = end;
          this.inString = false;
          this.endString();
          continue;
        }
        this.keep(byte);
        continue;
      }
      if (this.capturing === 'scalar-value') {
        if (byte === 0x2c || byte === 0x7d || byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) this.endScalar();
        else {
          this.keep(byte);
          continue;
        }
      }
      switch (byte) {
        case QUOTE:
          this.inString = true;
          if (this.depth === 1) {
            if (this.expectingKey) this.startCapture('key');
            else if (this.key === 'id' || this.key === 'method') this.startCapture('string-value');
          }
          break;
        case 0x7b: // {
        case 0x5b: // [
          this.depth += 1;
          break;
        case 0x7d: // }
        case 0x5d: // ]
          this.depth -= 1;
          break;
        case 0x3a: // :
          if (this.depth === 1) this.expectingKey = false;
          break;
        case 0x2c: // ,
          if (this.depth === 1) {
            this.expectingKey = true;
            this.key = undefined;
          }
          break;
        default:
          if (this.depth === 1 && !this.expectingKey && this.key === 'id' && (byte === 0x2d || (byte >= 0x30 && byte <= 0x39))) {
            this.startCapture('scalar-value');
            this.keep(byte);
          }
      }
    }
  }

  /** What was found (call once the frame has ended). */
  result(): FrameEnvelope {
    if (this.capturing === 'scalar-value') this.endScalar();
    return this.found;
  }

  private startCapture(kind: 'key' | 'string-value' | 'scalar-value'): void {
    this.capturing = kind;
    this.capture = [];
  }

  private keep(byte: number): void {
    if (this.capture === undefined) return;
    if (this.capture.length >= MAX_CAPTURE) {
      // Not an id or a method anyone would send: stop keeping it.
      this.capture = undefined;
      this.capturing = undefined;
      return;
    }
    this.capture.push(byte);
  }

  private endString(): void {
    const kind = this.capturing;
    const text = this.capture === undefined ? undefined : decodeJsonString(this.capture);
    this.capture = undefined;
    this.capturing = undefined;
    if (this.depth !== 1) return;
    if (kind === 'key') this.key = text;
    else if (kind === 'string-value' && text !== undefined) {
      if (this.key === 'id') this.found.id = text;
      else if (this.key === 'method') this.found.method = text;
    }
  }

  private endScalar(): void {
    const digits = this.capture === undefined ? '' : Buffer.from(this.capture).toString('latin1');
    this.capture = undefined;
    this.capturing = undefined;
    const value = Number(digits);
    if (digits !== '' && Number.isFinite(value)) this.found.id = value;
  }
}

/** The unescaped quote at or after `from` (which is inside a string, not after a backslash), or -1. */
function closingQuote(chunk: Buffer, from: number): number {
  for (let quote = chunk.indexOf(QUOTE, from); quote !== -1; quote = chunk.indexOf(QUOTE, quote + 1)) {
    let run = 0;
    while (quote - run - 1 >= from && chunk[quote - run - 1] === BACKSLASH) run += 1;
    if (run % 2 === 0) return quote;
  }
  return -1;
}

function trailingBackslashes(chunk: Buffer, from: number): number {
  let run = 0;
  while (chunk.length - run - 1 >= from && chunk[chunk.length - run - 1] === BACKSLASH) run += 1;
  return run;
}

function decodeJsonString(bytes: number[]): string | undefined {
  try {
    return JSON.parse(`"${Buffer.from(bytes).toString('utf8')}"`) as string;
  } catch {
    return undefined;
  }
}
