import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs a measuring script in a fresh `node --expose-gc` (heap after full GCs is deterministic enough; no timing). */
function measure(script: string): Record<string, number> {
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>;
}

describe('session memory', () => {
  it('keeps an idle session under 2 KB of heap and a typical one bounded', () => {
    const { idle, typical } = measure(`
      const { sessionBytes } = await import('./dist/bench/session-memory.js');
      console.log(JSON.stringify({ idle: await sessionBytes('idle', 1000), typical: await sessionBytes('typical', 1000) }));
    `);
    expect(idle).toBeLessThan(2 * 1024);
    expect(typical).toBeLessThan(7 * 1024);
  }, 180_000);

  it('keeps a bounded number of ids from one huge result, and names what it dropped in the flag it causes', () => {
    const found = measure(`
      const { createGuard } = await import('./dist/src/index.js');
      const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed; };
      const guard = createGuard({ tools: [{ name: 'export_orders', input_schema: { type: 'object' } }, { name: 'get_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' } } } }] });
      const session = await guard.startSession({ sessionId: 'big' });
      await session.message('user', 'Export all my orders');
      const rows = Array.from({ length: 60000 }, (_, i) => ({ order_id: 'ord_' + i, note: 'parcel ' + i + ' left at the depot number ' + (i * 7) }));
      const text = JSON.stringify(rows);
      // The injection rules' expressions are compiled in the turns after the first guard is made (about
      // 2 MB of machine code, once per process, shared by every guard): not what this session keeps.
      for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      const before = heap();
      await session.beforeToolCall({ callId: 'e', tool: 'export_orders', arguments: {} });
      await session.afterToolCall({ callId: 'e', tool: 'export_orders', result: text });
      const kept = heap() - before;
      const early = await session.beforeToolCall({ callId: 'a', tool: 'get_order', arguments: { order_id: 'ord_10' } });
      const late = await session.beforeToolCall({ callId: 'b', tool: 'get_order', arguments: { order_id: 'ord_59990' } });
      const evidence = late.flags.find((flag) => flag.code === 'ENTITY_HALLUCINATION')?.evidence ?? {};
      console.log(JSON.stringify({ resultBytes: text.length, kept, ledger: session.state.ledger.size, early: early.flags.length, dropped: evidence.droppedFromContent?.[0]?.dropped ?? 0, droppedStep: evidence.droppedFromContent?.[0]?.step ?? -1 }));
    `);
    expect(found.resultBytes).toBeGreaterThan(4_000_000);
    expect(found.ledger).toBeLessThanOrEqual(10_100);
    // 10,000 ids with their ledger entries (and process-wide interned copies): not the 4.7 MB result.
    expect(found.kept).toBeLessThan(2_000_000);
    expect(found.early).toBe(0);
    expect(found.dropped).toBeGreaterThan(100_000);
    expect(found.droppedStep).toBeGreaterThan(0);
  }, 180_000);

  it('stops growing at limits.maxTools however many fresh tool names a server lists', () => {
    const found = measure(`
      const { createGuard } = await import('./dist/src/index.js');
      const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed; };
      const list = (prefix) => Array.from({ length: 100 }, (_, i) => ({ name: prefix + '_' + i, description: 'Looks up record ' + prefix + i + ' by its id.', input_schema: { type: 'object', properties: { record_id: { type: 'string', pattern: '^rec_' + prefix + '_[0-9]+$' } } } }));
      const session = await createGuard({ policy: { limits: { maxTools: 200 } } }).startSession({ sessionId: 'relister' });
      for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      const start = heap();
      await session.defineTools(list('g0'));
      await session.defineTools(list('g1'));
      const full = heap();
      // 198 more lists of fresh names: 20,000 in all, a hundred times the bound. So many that keeping
      // them would cost ~100 MB, far above the few hundred KB a heap snapshot wanders by between GCs.
      for (let n = 2; n < 200; n += 1) await session.defineTools(list('g' + n));
      const after = heap();
      console.log(JSON.stringify({ perTool: (full - start) / 200, past: after - full, count: session.toolCount }));
    `);
    expect(found.count).toBe(200);
    // The 19,800 names past the bound cost what remembering a bounded few of them for their refusals
    // does: under 1% of what keeping them as tools would (19,800 x perTool, over 100 MB).
    expect(found.perTool).toBeGreaterThan(1024);
    expect(found.past).toBeLessThan((found.perTool! * 19_800) / 100);
    expect(found.past).toBeLessThan(1024 * 1024);
  }, 180_000);
});
