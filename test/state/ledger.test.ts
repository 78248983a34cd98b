import { describe, expect, it } from 'vitest';
import { EntityLedger, type Provenance } from '../../src/state/ledger.js';

const fromTool = (step: number): Provenance => ({ step, source: 'tool:get_order', trust: 'trusted' });
const fromUser = (step: number): Provenance => ({ step, source: 'user', trust: 'trusted' });

describe('the entity ledger', () => {
  it('holds at most its capacity of tool-result ids, however many come', () => {
    const ledger = new EntityLedger(1_000);
    for (let index = 0; index < 20_000; index += 1) {
      ledger.record([`ord_${index}`], fromTool(index));
      expect(ledger.size).toBeLessThanOrEqual(1_000);
    }
    // Tool-result ids live in their own bounded part: at most the capacity of them.
    let kept = 0;
    for (let index = 0; index < 20_000; index += 1) if (ledger.lookup(`ord_${index}`).trusted) kept += 1;
    expect(kept).toBeLessThanOrEqual(1_000);
    expect(kept).toBeGreaterThanOrEqual(500);
    // The newest are the ones kept.
    expect(ledger.lookup('ord_19999').trusted?.step).toBe(19_999);
    expect(ledger.lookup('ord_0').trusted).toBeUndefined();
  });

  it('keeps an id that keeps being seen, and forgets one unseen while the capacity of others came', () => {
    const ledger = new EntityLedger(1_000);
    ledger.record(['ord_seen', 'ord_once'], fromTool(1));
    for (let index = 0; index < 10_000; index += 1) {
      ledger.record([`ord_${index}`], fromTool(index + 2));
      // Looked up (a call naming it) now and then: it stays, with the step it was first seen at.
      if (index % 250 === 0) expect(ledger.lookup('ord_seen').trusted?.step).toBe(1);
    }
    expect(ledger.lookup('ord_seen').trusted?.step).toBe(1);
    expect(ledger.lookup('ord_once').trusted).toBeUndefined();
  });

  it('keeps the first sighting when an id is recorded again, across generations', () => {
    const ledger = new EntityLedger(1_000);
    ledger.record(['ord_7'], fromTool(3));
    for (let index = 0; index < 400; index += 1) ledger.record([`ord_${1_000 + index}`], fromTool(4));
    ledger.record(['ord_7'], fromTool(99));
    for (let index = 0; index < 400; index += 1) ledger.record([`ord_${2_000 + index}`], fromTool(100));
    ledger.record(['ord_7'], fromTool(200));
    expect(ledger.lookup('ord_7').trusted?.step).toBe(3);
  });

  it('keeps what the user said through a flood of tool-result ids', () => {
    const ledger = new EntityLedger(1_000);
    ledger.record(['ord_1001'], fromUser(0));
    for (let index = 0; index < 50_000; index += 1) ledger.record([`item_${index}`], fromTool(index + 1));
    expect(ledger.lookup('ord_1001').trusted).toEqual(fromUser(0));
  });
});
