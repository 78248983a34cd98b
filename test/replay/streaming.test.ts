import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { replayTrace, triageTrace } from '../../src/forensics/index.js';
import { replayTraceLazily } from '../../src/replay.js';
import { triageTraceLazily } from '../../src/forensics/triage.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { call, cleanOrderChat, end, inventedRefundChat, model, result, session, start, tools, user, writeTrace } from '../helpers/trace.js';

/** One customer's session: a lookup of their own order, then one of an order nobody mentioned (a hallucination). */
function customer(index: number): TraceEvent[] {
  const id = `s${index}`;
  const order = `ord_${1000 + index}`;
  return session(id, [
    start({ customer_id: `cust_${index}` }),
    tools(),
    user(`Hi, I am cust_${index}. Where is my order ${order}?`),
    model({ tool_calls: [{ id: 'c1', name: 'get_order', arguments: { order_id: order } }] }),
    call('c1', 'get_order', { order_id: order }),
    result('c1', 'get_order', { order_id: order, customer_id: `cust_${index}`, status: 'shipped' }),
    model({ tool_calls: [{ id: 'c2', name: 'get_order', arguments: { order_id: `ord_9${index}` } }] }),
    call('c2', 'get_order', { order_id: `ord_9${index}` }),
    result('c2', 'get_order', { order_id: `ord_9${index}`, customer_id: `cust_${index}`, status: 'packed' }),
    model({ text: `Your order ${order} shipped.` }),
    end(`Your order ${order} shipped.`),
  ]);
}

/** Round-robin: every session's first event comes before any session's second, so all are open at once. */
function interleave(sessions: TraceEvent[][]): TraceEvent[] {
  const out: TraceEvent[] = [];
  const longest = Math.max(...sessions.map((events) => events.length));
  for (let step = 0; step < longest; step += 1) for (const events of sessions) if (events[step]) out.push(events[step]!);
  return out;
}

const SESSIONS = 24;
/** The live cap on sessions (limits.maxSessions), far below the sessions open at once. */
const policy = { limits: { maxSessions: 4 } };

describe('streaming replay and triage', () => {
  it('gives the same decisions as a per-session replay when more sessions are open at once than the session cap', async () => {
    const sessions = Array.from({ length: SESSIONS }, (_, index) => customer(index));
    const together = await replayTrace(writeTrace(interleave(sessions)), { policy });
    expect(together.sessions).toHaveLength(SESSIONS);
    for (const [index, events] of sessions.entries()) {
      const alone = await replayTrace(writeTrace(events), { policy });
      expect(together.sessions[index]).toEqual(alone.sessions[0]);
    }
    // And what those decisions are: the invented order is blocked, nothing judged by a blank session.
    const codes = together.sessions.flatMap((report) => report.decisions.flatMap((decision) => decision.flags));
    expect(codes.filter((code) => code === 'TOOL_UNKNOWN')).toEqual([]);
    expect(together.sessions.every((report) => report.decisions.map((decision) => decision.action).join() === 'allow,block')).toBe(true);
  });

  it('triages interleaved sessions exactly as it triages each alone', async () => {
    const sessions = Array.from({ length: SESSIONS }, (_, index) => customer(index));
    const together = await triageTrace(writeTrace(interleave(sessions)), { policy });
    for (const index of [0, 7, SESSIONS - 1]) {
      const alone = await triageTrace(writeTrace(sessions[index]!), { policy });
      expect(together.sessions[index]).toEqual(alone.sessions[0]);
    }
    expect(together.sessions.every((triage) => triage.mode === 'hallucination_propagation')).toBe(true);
  });

  it('closes sessions after their last event in a file, so a bound on open sessions holds for sequential sessions', async () => {
    const sequential = Array.from({ length: 10 }, (_, index) => customer(index)).flat();
    const report = await replayTrace(writeTrace(sequential), { maxOpenSessions: 1 });
    expect(report.sessions).toHaveLength(10);
  });

  it('stops with a clear message, naming how to raise it, when more sessions are open at once than the bound', async () => {
    const trace = writeTrace(interleave(Array.from({ length: 6 }, (_, index) => customer(index))));
    await expect(replayTrace(trace, { maxOpenSessions: 5 })).rejects.toThrow(/more than 5 sessions are open at once at line 6.*--max-open-sessions/);
    await expect(triageTrace(trace, { maxOpenSessions: 5 })).rejects.toThrow(/more than 5 sessions are open at once/);
  });

  it('replays a one-shot stream in one pass: sessions close at session.end, and the bound is never passed silently', async () => {
    const sequential = Array.from({ length: 8 }, (_, index) => customer(index));
    const text = sequential.flat().map((event) => JSON.stringify(event)).join('\n');
    const streamed = await replayTrace(Readable.from([text]), { maxOpenSessions: 2 });
    const fromFile = await replayTrace(writeTrace(sequential.flat()), { maxOpenSessions: 2 });
    expect(streamed.sessions).toEqual(fromFile.sessions);

    const interleaved = interleave(sequential).map((event) => JSON.stringify(event)).join('\n');
    await expect(replayTrace(Readable.from([interleaved]), { maxOpenSessions: 4 })).rejects.toThrow(/more than 4 sessions are open at once.*give a file instead of a stream/);
  });

  it('refuses an event that comes after its session was closed in a one-shot stream, instead of judging it blank', async () => {
    const first = customer(1);
    const second = customer(2);
    const third = customer(3);
    const late = { ...first[4]!, step: 99, call_id: 'late' } as TraceEvent;
    await expect(replayTrace([...first, ...second, ...third, late], { maxOpenSessions: 1 })).rejects.toThrow(/session s1 has an event at line 34 after its session.end/);
  });

  it('tells sessions apart exactly in lines written to mislead a quick look at them, so none closes before its last event', async () => {
    // Each session ends on the call of an invented order: judged by a blank session, it would be an unknown tool instead.
    const sessions = Array.from({ length: 6 }, (_, index) => customer(index).slice(0, 8));
    const lines = interleave(sessions).map((event) => JSON.stringify(event));
    const lastOf = new Map(sessions.map((events) => [events[0]!.session_id, events.length - 1]));
    const misleading = lines.map((text, index) => {
      const event = JSON.parse(text) as TraceEvent;
      if (event.step !== lastOf.get(event.session_id)) return text;
      const other = `s${(Number(event.session_id.slice(1)) + 1) % 6}`;
      switch (index % 4) {
        case 0: // A repeated key: the last one wins.
          return `{"session_id":"${other}",${text.slice(1)}`;
        case 1: // The key spelled with an escape, and another session's id in a nested object.
          return text.replace('"session_id"', '"session\\u005fid"').replace(/}$/, `,"metadata":{"session_id":"${other}"}}`);
        case 2: // Another session's id inside a string.
          return text.replace(/}$/, `,"note":"\\"session_id\\":\\"${other}\\""}`);
        default: // Spaced as Python writes JSON.
          return text.replace(/":/g, '": ').replace(/,"/g, ', "');
      }
    });
    const report = await replayTrace(writeTrace(misleading.join('\n')), { maxOpenSessions: 6 });
    for (const [index, events] of sessions.entries()) {
      const alone = await replayTrace(writeTrace(events));
      expect(report.sessions[index]).toEqual(alone.sessions[0]);
      expect(report.sessions[index]!.decisions.map((decision) => decision.action)).toEqual(['allow', 'block']);
    }
    const triaged = await triageTrace(writeTrace(misleading.join('\n')));
    expect(triaged.sessions.map((triage) => triage.mode)).toEqual(sessions.map(() => 'hallucination_propagation'));
  });

  it('closes a session whose last line is no event it can judge, before the next session opens', async () => {
    const sequential = Array.from({ length: 4 }, (_, index) => customer(index)).flatMap((events) => [
      ...events.map((event) => JSON.stringify(event)),
      JSON.stringify({ session_id: events[0]!.session_id, step: 99, type: 'future.event' }),
      `{"session_id":"${events[0]!.session_id}","step":`,
    ]);
    const report = await replayTrace(writeTrace(sequential.join('\n')), { maxOpenSessions: 1 });
    expect(report.sessions).toHaveLength(4);
    expect(report.skippedLines).toBe(4);
  });

  it('reads lines and events from any iterable, as the CLI hands them over', async () => {
    const events = customer(3);
    async function* lines() {
      for (const event of events) yield JSON.stringify(event);
    }
    const fromLines = await replayTrace(lines());
    const fromEvents = await replayTrace(events);
    const fromFile = await replayTrace(writeTrace(events));
    expect(fromLines.sessions).toEqual(fromFile.sessions);
    expect(fromEvents.sessions).toEqual(fromFile.sessions);
    const triaged = await triageTrace(lines());
    expect(triaged.sessions).toEqual((await triageTrace(writeTrace(events))).sessions);
  });

  describe('many short sessions', () => {
    /**
     * Sessions of one to five events, of every kind a short session is: a lone start, message, model
     * call or tool call (the last one invents an id), a clean lookup cut short, an invented refund cut
     * short; typed and untyped, with and without times, ids of any characters.
     */
    function shortSession(index: number): TraceEvent[] {
      const id = index % 13 === 0 ? `s-${index}-\u00e9\u65e5-${'x'.repeat(index % 40)}` : `s${index}`;
      const ts = index % 5 === 0 ? {} : { ts: new Date(1_732_500_000_000 + index * 1_000).toISOString() };
      switch (index % 6) {
        case 0:
          return session(id, [{ ...start({ customer_id: `cust_${index}` }), ...ts }]);
        case 1:
          return session(id, [{ ...user(`Where is ord_${index}?`), ...ts }]);
        case 2:
          return session(id, [{ ...model({ text: 'Hello.' }, { input_tokens: index }), ...ts }]);
        case 3:
          return session(id, [{ ...call('c1', 'get_order', { order_id: `ord_${index}` }), ...ts }]);
        case 4:
          return cleanOrderChat(id, new Date(1_732_500_000_000 + index * 1_000).toISOString(), 100 + index).slice(0, 1 + (index % 5));
        default:
          return inventedRefundChat(id, new Date(1_732_500_000_000 + index * 1_000).toISOString()).slice(0, 5);
      }
    }
    const sessions = Array.from({ length: 240 }, (_, index) => shortSession(index));
    /** Waves of 30 sessions open at once, interleaved within a wave. */
    const trace = writeTrace(Array.from({ length: 8 }, (_, wave) => interleave(sessions.slice(wave * 30, wave * 30 + 30))).flat());

    it('triages an interleaved trace of many short sessions exactly as it triages each alone, flagged and clean', async () => {
      const together = await triageTrace(trace);
      expect(together.sessions).toHaveLength(sessions.length);
      for (const [index, events] of sessions.entries()) {
        const alone = await triageTrace(writeTrace(events));
        expect(together.sessions[index]).toEqual(alone.sessions[0]);
      }
      // What is flagged and what is not: a lone tool call invents its id, a refund of an order nobody named too; the rest are clean.
      const modes = together.sessions.map((triage, index) => [index % 6, triage.mode] as const);
      expect(modes.filter(([kind]) => kind === 3).every(([, mode]) => mode === 'hallucination_propagation')).toBe(true);
      expect(modes.filter(([kind]) => kind === 5).every(([, mode]) => mode === 'hallucination_propagation')).toBe(true);
      expect(modes.filter(([kind]) => kind !== 3 && kind !== 5).every(([, mode]) => mode === 'none')).toBe(true);
      expect(together.sessions.filter((triage) => triage.mode === 'none').every((triage) => triage.flags.length === 0)).toBe(true);
    });

    it('gives the same decisions, baselines and incidents for them as the sessions read one after another', async () => {
      const together = await triageTrace(trace);
      const sequential = await triageTrace(writeTrace(sessions.flat()));
      expect(together.decisions).toEqual(sequential.decisions);
      expect(together.baselines).toEqual(sequential.baselines);
      expect(together.incidents).toEqual(sequential.incidents);
      expect(together.baselines.map((baseline) => baseline.session_type)).toEqual(['(untyped)', 'support-chat']);
      expect((await replayTrace(trace)).sessions).toEqual(together.decisions);
    });

    it('gives the same sessions lazily, one at a time, as often as they are read', async () => {
      const triaged = await triageTraceLazily(trace);
      const listed = await triageTrace(trace);
      expect(triaged.sessions.size).toBe(sessions.length);
      expect([...triaged.sessions]).toEqual(listed.sessions);
      expect([...triaged.sessions]).toEqual(listed.sessions);
      expect([...triaged.decisions]).toEqual(listed.decisions);
      const replayed = await replayTraceLazily(trace);
      expect([...replayed.sessions]).toEqual(listed.decisions);
      expect(replayed.sessionIdAt(13)).toBe(sessions[13]![0]!.session_id);
    });
  });
});
