import { describe, expect, it } from 'vitest';
import { buildReportData, renderReportHtml } from '../../src/forensics/index.js';
import { MAX_SHOWN_ID } from '../../src/report/shown-id.js';
import { cleanOrderChat, inventedRefundChat, writeTrace } from '../helpers/trace.js';
import type { TraceEvent } from '../../src/trace/events.js';

/** One-event sessions: what a busy day of short sessions looks like. */
function shortSessions(count: number, id = (index: number) => `s-${index}`): TraceEvent[] {
  return Array.from({ length: count }, (_, index) => ({ session_id: id(index), step: 0, type: 'message', role: 'user', content: 'hi' }) as TraceEvent);
}

describe('the report of a huge trace stays bounded in size', () => {
  it('lists the worst sessions first up to the listing budget, counts the rest in a visible note', async () => {
    // The incident is the last session of the trace: ranked first, it must be listed whatever is cut.
    const trace = writeTrace([...shortSessions(3_000), ...inventedRefundChat('s-incident', '2026-01-01T00:00:00Z')]);
    const maxListBytes = 100_000;
    const data = await buildReportData(trace, { maxBytes: 50_000, maxListBytes });
    expect(data.sessions[0]!.id).toBe('s-incident');
    expect(data.sessions[0]!.steps).not.toBeNull();
    expect(data.sessions.length).toBeLessThan(3_001);
    const unlisted = 3_001 - data.sessions.length;
    expect(data.notes).toContain(`${unlisted} of 3001 sessions (the least severe) are not listed at all, to keep the report under about 10 MB; warden triage lists every session.`);
    // The page grows with the budgets, not with the sessions: twice the sessions, the same size within a few kB.
    const html = renderReportHtml(data);
    const doubled = renderReportHtml(await buildReportData(writeTrace([...shortSessions(6_000), ...inventedRefundChat('s-incident', '2026-01-01T00:00:00Z')]), { maxBytes: 50_000, maxListBytes }));
    expect(Math.abs(doubled.length - html.length)).toBeLessThan(20_000);
    expect(html.length).toBeLessThan(50_000 * 1.25 + maxListBytes + 200_000);
  });

  it('shows a huge session id cut, with a digest that keeps two ids of the same head apart', async () => {
    const head = 'x'.repeat(5_000);
    const data = await buildReportData(writeTrace(shortSessions(40, (index) => `${head}-${index}-${'y'.repeat(100_000)}`)));
    expect(data.sessions).toHaveLength(40);
    const ids = data.sessions.map((session) => session.id);
    expect(new Set(ids).size).toBe(40);
    for (const session of data.sessions) {
      expect(session.id.length).toBeLessThan(MAX_SHOWN_ID + 100);
      expect(session.id).toMatch(/^x{1000}… \(\d+ more characters, sha256 [0-9a-f]{12}\)$/);
      expect(session.triage.session_id).toBe(session.id);
    }
    expect(renderReportHtml(data).length).toBeLessThan(2_000_000);
  });

  it('an ordinary trace is listed whole, its ids as they are, with no note', async () => {
    const data = await buildReportData(writeTrace([...cleanOrderChat('s-a', '2026-01-01T00:00:00Z'), ...inventedRefundChat('s-b', '2026-01-01T00:01:00Z'), ...shortSessions(50)]));
    expect(data.sessions).toHaveLength(52);
    expect(data.sessions.map((session) => session.id)).toContain('s-a');
    expect(data.notes).toEqual([]);
  });
});
