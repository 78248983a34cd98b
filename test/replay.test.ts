import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { replayTrace } from '../src/forensics/index.js';
import { specExample } from './helpers/trace-format.js';

describe('replay', () => {
  it("blocks step 4 of the spec's example, as a live guard would", async () => {
    const report = await replayTrace(Readable.from([specExample()]));
    expect(report.sessions).toEqual([
      {
        session_id: 's-0237',
        decisions: [
          { step: 4, tool: 'get_order', action: 'block', flags: ['ENTITY_HALLUCINATION'] },
          { step: 5, tool: 'get_order', action: 'block', flags: ['ENTITY_MISMATCH'] },
        ],
      },
    ]);
  });

  it('keeps interleaved sessions apart, in order of first appearance', async () => {
    const example = specExample().trim().split('\n');
    const other = example.map((line) => line.replaceAll('s-0237', 's-other').replace('"ord_555"', '"ord_555"'));
    const interleaved = example.flatMap((line, index) => [other[index]!, line]).join('\n');
    const report = await replayTrace(Readable.from([interleaved]));
    expect(report.sessions.map((session) => session.session_id)).toEqual(['s-other', 's-0237']);
    expect(report.sessions[0]!.decisions).toEqual(report.sessions[1]!.decisions);
  });
});
