import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;

export interface FramedStdioOptions {
  /** Longest line accepted; a longer one is dropped as it streams in (memory stays bounded) and answered with an error. */
  maxFrameBytes?: number;
  /** Told about every frame refused, for logs. */
  onRejected?: (reason: string) => void;
}

/**
 * Newline-delimited JSON-RPC over any pair of streams (a process's stdio, a child's pipes).
 * Unlike a plain reader, a malformed or oversized frame gets a JSON-RPC error back and the
 * connection keeps serving.
 */
export class FramedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private discarding = false;
  private closed = false;
  private readonly maxFrameBytes: number;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly options: FramedStdioOptions = {},
  ) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
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
      if (this.discarding) {
        this.discarding = false;
        this.reset();
        continue;
      }
      this.chunks.push(head);
      const line = Buffer.concat(this.chunks).toString('utf8');
      this.reset();
      this.handleLine(line);
    }
    if (data.length === 0 || this.discarding) return;
    if (this.buffered + data.length > this.maxFrameBytes) {
      this.reset();
      this.discarding = true;
      this.reject(INVALID_REQUEST, `frame larger than ${this.maxFrameBytes} bytes refused`, null);
      return;
    }
    this.chunks.push(data);
    this.buffered += data.length;
  };

  private readonly onEnd = () => void this.close();

  private readonly onStreamError = (error: Error) => this.onerror?.(error);

  private reset(): void {
    this.chunks = [];
    this.buffered = 0;
  }

  private handleLine(raw: string): void {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    if (Buffer.byteLength(line) > this.maxFrameBytes) {
      this.reject(INVALID_REQUEST, `frame larger than ${this.maxFrameBytes} bytes refused`, null);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      this.reject(PARSE_ERROR, `Parse error: ${(error as Error).message}`, null);
      return;
    }
    const message = JSONRPCMessageSchema.safeParse(parsed);
    if (!message.success) {
      const id = (parsed as { id?: unknown })?.id;
      const hasId = typeof id === 'string' || typeof id === 'number';
      // Only requests are answered: a broken response or notification has no one waiting for it.
      if (hasId || (parsed as { method?: unknown })?.method !== undefined || parsed === null || typeof parsed !== 'object') {
        this.reject(INVALID_REQUEST, 'Invalid Request: not a JSON-RPC 2.0 message', hasId ? (id as string | number) : null);
      } else this.options.onRejected?.('invalid JSON-RPC message dropped');
      return;
    }
    this.onmessage?.(message.data);
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

  send(message: JSONRPCMessage): Promise<void> {
    return this.write(`${JSON.stringify(message)}\n`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.input.off('data', this.onData);
    this.input.off('end', this.onEnd);
    this.input.off('error', this.onStreamError);
    this.output.off('error', this.onStreamError);
    this.reset();
    this.onclose?.();
  }
}
