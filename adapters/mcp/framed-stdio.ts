import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { FrameSniffer, type FrameEnvelope } from './frame-sniffer.js';
import { isRequestId, jsonRpcShape } from './messages.js';

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
/** JSON-RPC's "implementation-defined server error" range: a frame the transport could not carry. */
export const FRAME_TOO_LARGE = -32001;
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;

export interface FramedStdioOptions {
  /** Longest line accepted; a longer one is dropped as it streams in (memory stays bounded) and answered with an error. */
  maxFrameBytes?: number;
  /** How a reader raises the limit, named in the error (default: "raise maxFrameBytes"). */
  limitHint?: string;
  /** Told about every frame refused, for logs. */
  onRejected?: (reason: string) => void;
}

/** The text each parsed message was read from, so a message relayed unchanged is written without serialising it again. */
const RAW_TEXT = new WeakMap<object, string>();

/** The error for a frame over the limit, naming the limit and how to raise it. */
export function frameTooLargeError(envelope: FrameEnvelope, maxFrameBytes: number, hint: string) {
  const kind = envelope.method === undefined ? 'response' : envelope.id === undefined ? `notification ${envelope.method}` : `request ${envelope.method}`;
  return {
    code: FRAME_TOO_LARGE,
    message: `The ${kind} was larger than the frame limit of ${maxFrameBytes} bytes (at least ${envelope.bytes} bytes) and was dropped; ${hint}.`,
    data: { limit: maxFrameBytes, bytes: envelope.bytes },
  };
}

/**
 * Newline-delimited JSON-RPC over any pair of streams (a process's stdio, a child's pipes).
 * Unlike a plain reader, a malformed or oversized frame gets a JSON-RPC error back and the
 * connection keeps serving. An oversized request is answered to its sender; an oversized response
 * becomes an error response for the request it answers, so whoever waits for it is told at once.
 */
export class FramedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private sniffer: FrameSniffer | undefined;
  private closed = false;
  private inputEnded = false;
  private readonly maxFrameBytes: number;
  private readonly limitHint: string;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly options: FramedStdioOptions = {},
  ) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.limitHint = options.limitHint ?? 'raise maxFrameBytes';
  }

  async start(): Promise<void> {
    this.input.on('data', this.onData);
    this.input.on('end', this.onEnd);
    this.input.on('error', this.onStreamError);
    this.output.on('error', this.onStreamError);
  }

  private readonly onData = (chunk: Buffer | string) => {
    let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let newline = data.indexOf(0x0a); newline !== -1; newline = data.indexOf(0x0a)) {
      const head = data.subarray(0, newline);
      data = data.subarray(newline + 1);
      if (this.sniffer) {
        this.sniffer.feed(head);
        const envelope = this.sniffer.result();
        this.sniffer = undefined;
        this.oversized(envelope);
        continue;
      }
      const line = this.chunks.length === 0 ? head.toString('utf8') : Buffer.concat([...this.chunks, head]).toString('utf8');
      this.reset();
      this.handleLine(line);
    }
    if (data.length === 0) return;
    if (this.sniffer) {
      this.sniffer.feed(data);
      return;
    }
    if (this.buffered + data.length > this.maxFrameBytes) {
      // Too long to keep: read on to the end of the frame only to learn whom to answer.
      this.sniffer = new FrameSniffer();
      for (const kept of this.chunks) this.sniffer.feed(kept);
      this.sniffer.feed(data);
      this.reset();
      return;
    }
    // Copy: a chunk kept across reads must not pin (or alias) the stream's pooled buffer.
    this.chunks.push(Buffer.from(data));
    this.buffered += data.length;
  };

  /** The input ended: nothing more to read, but what is still to be said can be written (a half-closed peer still reads). */
  private readonly onEnd = () => {
    this.stopReading();
    this.onclose?.();
  };

  private readonly onStreamError = (error: Error) => this.onerror?.(error);

  private reset(): void {
    this.chunks = [];
    this.buffered = 0;
  }

  private oversized(envelope: FrameEnvelope): void {
    const error = frameTooLargeError(envelope, this.maxFrameBytes, this.limitHint);
    this.options.onRejected?.(error.message);
    this.onerror?.(new Error(error.message));
    if (envelope.id === undefined) return;
    if (envelope.method !== undefined) void this.write(`${JSON.stringify({ jsonrpc: '2.0', id: envelope.id, error })}\n`).catch(() => {});
    else this.onmessage?.({ jsonrpc: '2.0', id: envelope.id, error } as JSONRPCMessage);
  }

  private handleLine(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    if (line.length > this.maxFrameBytes && Buffer.byteLength(line) > this.maxFrameBytes) {
      const sniffer = new FrameSniffer();
      sniffer.feed(Buffer.from(line));
      this.oversized(sniffer.result());
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      this.reject(PARSE_ERROR, `Parse error: ${(error as Error).message}`, null);
      return;
    }
    const shape = jsonRpcShape(parsed);
    if (shape === undefined) {
      const id = (parsed as { id?: unknown })?.id;
      const hasId = isRequestId(id);
      // Only requests are answered: a broken response or notification has no one waiting for it. An id
      // that is not one (1.5, 2^60, an object) is answered as null, as JSON-RPC says for an id it cannot read.
      if (hasId || (id !== undefined && id !== null) || (parsed as { method?: unknown })?.method !== undefined || parsed === null || typeof parsed !== 'object') {
        this.reject(INVALID_REQUEST, 'Invalid Request: not an MCP JSON-RPC 2.0 message (ids are strings or integers up to 2^53, params an object)', hasId ? id : null);
      } else this.options.onRejected?.('invalid JSON-RPC message dropped');
      return;
    }
    RAW_TEXT.set(parsed as object, line);
    this.onmessage?.(parsed as JSONRPCMessage);
  }

  private reject(code: number, message: string, id: string | number | null): void {
    this.options.onRejected?.(message);
    this.onerror?.(new Error(message));
    void this.write(`${JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } })}\n`).catch(() => {});
  }

  private write(text: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const flushed = this.output.write(text, (error) => (error ? reject(error) : undefined));
      if (flushed) resolve();
      else this.output.once('drain', resolve);
    });
  }

  /** Writes a message; one read by a FramedStdioTransport and passed on untouched goes out as the text it came in as. */
  send(message: JSONRPCMessage): Promise<void> {
    return this.write(`${RAW_TEXT.get(message) ?? JSON.stringify(message)}\n`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const reading = this.stopReading();
    this.output.off('error', this.onStreamError);
    if (reading) this.onclose?.();
  }

  /** Stops reading; whether it was reading. */
  private stopReading(): boolean {
    if (this.inputEnded) return false;
    this.inputEnded = true;
    this.input.off('data', this.onData);
    this.input.off('end', this.onEnd);
    this.input.off('error', this.onStreamError);
    this.reset();
    this.sniffer = undefined;
    return true;
  }
}
