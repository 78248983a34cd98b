import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FrameSniffer } from '../../../adapters/mcp/frame-sniffer.js';

function sniff(text: string, pieces = 1) {
  const sniffer = new FrameSniffer();
  const bytes = Buffer.from(text);
  const size = Math.ceil(bytes.length / pieces);
  for (let start = 0; start < bytes.length; start += size) sniffer.feed(bytes.subarray(start, start + size));
  return sniffer.result();
}

describe('FrameSniffer: whom an oversized frame belongs to', () => {
  it('finds the top-level id and method wherever they are, as the SDKs write them (id last)', () => {
    const big = 'a'.repeat(10_000);
    expect(sniff(JSON.stringify({ method: 'tools/call', params: { name: 'x', arguments: { text: big } }, jsonrpc: '2.0', id: 42 }))).toMatchObject({ id: 42, method: 'tools/call' });
    expect(sniff(JSON.stringify({ result: { content: [{ type: 'text', text: big }] }, jsonrpc: '2.0', id: 'req-7' }))).toEqual({ id: 'req-7', bytes: expect.any(Number) });
    expect(sniff(JSON.stringify({ jsonrpc: '2.0', id: -3, method: 'x' }))).toMatchObject({ id: -3, method: 'x' });
  });

  it('ignores ids and methods nested inside params or results, and quotes escaped inside strings', () => {
    const text = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { id: 9, method: 'nested', data: 'say \\"id\\": 5 and "id":6' } });
    expect(sniff(text)).toEqual({ method: 'notifications/message', bytes: Buffer.byteLength(text) });
    expect(sniff(JSON.stringify({ result: { id: 1, items: [{ id: 2 }] }, jsonrpc: '2.0', id: 3 }))).toMatchObject({ id: 3 });
  });

  it('gives the same answer however the bytes are split', () => {
    fc.assert(
      fc.property(fc.string(), fc.oneof(fc.integer(), fc.string({ maxLength: 40 })), fc.integer({ min: 1, max: 50 }), (payload, id, pieces) => {
        const text = JSON.stringify({ method: 'tools/call', params: { text: payload, id: 'not this' }, jsonrpc: '2.0', id });
        expect(sniff(text, pieces)).toEqual({ id, method: 'tools/call', bytes: Buffer.byteLength(text) });
      }),
    );
  });
});
