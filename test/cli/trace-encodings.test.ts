import { createHash } from 'node:crypto';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { splitLines } from '../../src/trace/input.js';
import { file, warden, wardenWith } from '../helpers/cli.js';
import { specExample } from '../helpers/trace-format.js';

// Spawned CLIs on a loaded 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 180_000 });

const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();
/** A trace whose text holds characters of every UTF-8 and UTF-16 length: accents, CJK, an emoji (a surrogate pair). */
const TRACE = specExample().replace('Has my last order shipped?', 'Has my last order shipped? café 注文 📦');

async function linesOf(chunks: Buffer[]): Promise<string[]> {
  const out: string[] = [];
  for await (const line of splitLines((async function* () {
    yield* chunks;
  })(), 'test')) out.push(line.text ?? `error: ${line.error}`);
  return out;
}

/** Every byte its own chunk: a BOM, a character or a surrogate pair split between reads. */
const byteByByte = (bytes: Buffer) => [...bytes].map((byte) => Buffer.from([byte]));

describe('trace encodings', () => {
  const plain = TRACE.split('\n').slice(0, -1);

  it('reads UTF-8 with a BOM, and UTF-16 LE or BE with or without one, as the same lines', async () => {
    const encodings: Record<string, Buffer> = {
      'utf-8 with BOM': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TRACE)]),
      'utf-16le with BOM': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TRACE, 'utf16le')]),
      'utf-16be with BOM': Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(TRACE)]),
      'utf-16le without BOM': Buffer.from(TRACE, 'utf16le'),
      'utf-16be without BOM': utf16be(TRACE),
    };
    for (const [name, bytes] of Object.entries(encodings)) {
      expect(await linesOf([bytes]), name).toEqual(plain);
      expect(await linesOf(byteByByte(bytes)), `${name}, a byte at a time`).toEqual(plain);
    }
  });

  it('leaves plain UTF-8 as it was, a U+FEFF inside a line included', async () => {
    expect(await linesOf([Buffer.from(TRACE)])).toEqual(plain);
    expect(await linesOf(byteByByte(Buffer.from(TRACE)))).toEqual(plain);
    expect(await linesOf([Buffer.from('{"a":"x\ufeffy"}\n\ufeff{}\n')])).toEqual(['{"a":"x\ufeffy"}', '\ufeff{}']);
  });

  it('the CLI reads them from files and stdin with the output of the plain file and no skipped line', () => {
    const expected = warden('triage', file('plain-enc.jsonl', TRACE), '--quiet').stdout;
    expect(expected).toMatch(/hallucination propagation/);
    const bom = file('bom.jsonl', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TRACE)]));
    const le = file('le.jsonl', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TRACE, 'utf16le')]));
    const be = file('be.jsonl', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(TRACE)]));
    for (const trace of [bom, le, be]) {
      const run = warden('triage', trace);
      expect(run.code).toBe(0);
      expect(run.stdout.replace(/ [^ ]+\.jsonl /, ' X ')).toBe(expected.replace(/ [^ ]+\.jsonl /, ' X '));
      expect(run.stderr).toMatch(/ 0 lines skipped/);
    }
    const piped = wardenWith({ input: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TRACE, 'utf16le')]) }, 'triage', '-');
    expect(piped.code).toBe(0);
    expect(piped.stderr).toMatch(/ 0 lines skipped/);
    const gzipped = warden('triage', file('bom.jsonl.gz', gzipSync(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TRACE)]))));
    expect(gzipped.stderr).toMatch(/ 0 lines skipped/);
  });
});

describe('warden convert reads the same encodings', () => {
  it('a chat export with a UTF-8 BOM or in UTF-16 converts as the plain file does', () => {
    const chat = JSON.stringify([{ role: 'user', content: 'Has my order shipped? café 📦' }, { role: 'assistant', content: 'Yes.' }]);
    const expected = warden('convert', file('chat-plain.json', chat), '--session', 'c', '--quiet');
    expect(expected.code).toBe(0);
    for (const [name, bytes] of [
      ['chat-bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(chat)])],
      ['chat-le.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(chat, 'utf16le')])],
      ['chat-be.json', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(chat)])],
    ] as const) {
      const run = warden('convert', file(name, bytes), '--session', 'c', '--quiet');
      expect(run.code, name).toBe(0);
      expect(run.stdout, name).toBe(expected.stdout);
    }
  });
});

describe('a gzip file cut short', () => {
  /** Forty sessions of the spec example, gzipped, cut at 60% of their bytes. */
  const sessions = Array.from({ length: 40 }, (_, index) => TRACE.replace(/s-0237/g, `s-${index}`)).join('');
  const whole = gzipSync(Buffer.from(sessions));
  const cut = whole.subarray(0, Math.floor(whole.length * 0.6));
  /** What can be decompressed before the cut, as `gunzip` would recover it. */
  const recovered = gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
  const completeLines = recovered.slice(0, recovered.lastIndexOf('\n') + 1);

  it('keeps every line read before the cut and says where the file ends, without a stack trace', () => {
    const trace = file('cut.jsonl.gz', cut);
    const replayed = warden('replay', trace, '--json');
    expect(replayed.code).toBe(3);
    expect(replayed.stderr).toMatch(/line \d+: the gzip data is cut short \(unexpected end of file\): the \d+ lines before it \(\d+ bytes decompressed\) were read and kept; the rest of the file is lost/);
    expect(replayed.stderr).not.toMatch(/internal error|    at /);
    // Nothing read is lost: the same decisions as the complete lines alone give.
    const alone = warden('replay', file('cut-complete.jsonl', completeLines), '--json', '--quiet');
    expect(JSON.parse(replayed.stdout)).toEqual(JSON.parse(alone.stdout));
    expect((JSON.parse(alone.stdout) as unknown[]).length).toBeGreaterThan(10);
    for (const command of ['triage', 'postmortem']) {
      const run = warden(command, trace);
      expect(run.code).toBe(3);
      expect(run.stderr.match(/cut short/g)).toHaveLength(1);
    }
    const piped = wardenWith({ input: cut }, 'replay', '-', '--json');
    expect(piped.code).toBe(3);
    expect(JSON.parse(piped.stdout)).toEqual(JSON.parse(alone.stdout));
    expect(piped.stderr).toMatch(/stdin: line \d+: the gzip data is cut short/);
  });

  it('a damaged gzip keeps what came before the damage; a file that is not gzip at all is refused as before', () => {
    // Content that does not compress (hashes as hex: random-looking, the same on every run), so the damage is far
    // into the output, past zlib's 16 kB pieces.
    const noise = (index: number) => Array.from({ length: 7 }, (_, part) => createHash('sha256').update(`${index}:${part}`).digest('hex')).join('').slice(0, 400);
    const varied = Array.from({ length: 400 }, (_, index) => TRACE.replace(/s-0237/g, `s-${index}`).replace('café', noise(index))).join('');
    const damaged = gzipSync(Buffer.from(varied));
    for (let at = Math.floor(damaged.length * 0.5); at < damaged.length * 0.5 + 64; at += 1) damaged[at] = damaged[at]! ^ 0xa5;
    const run = warden('replay', file('damaged.jsonl.gz', damaged), '--json');
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/the gzip data is (damaged|cut short)/);
    // The count closing the report leaves out every line shown, the gzip line past the first screenful included.
    const reported = run.stderr.trim().split('\n').filter((line) => /: line \d+: /.test(line)).length;
    const [, more, all] = /(\d+) more lines skipped \((\d+) in all\)/.exec(run.stderr)!;
    expect(Number(more)).toBe(Number(all) - reported);
    expect((JSON.parse(run.stdout) as unknown[]).length).toBeGreaterThan(50);
    const notGzip = warden('replay', file('not-gzip.jsonl.gz', 'just text\n'));
    expect(notGzip.code).toBe(1);
    expect(notGzip.stderr).toMatch(/cannot read \S*not-gzip\.jsonl\.gz: not valid gzip/);
  });
});
