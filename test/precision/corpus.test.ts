import { beforeAll, describe, expect, it } from 'vitest';
import { benignItems, packageDocs, rates, runThroughGuard, type CorpusItem, type ItemOutcome, type RateRow } from '../../bench/precision-corpus.js';
import { loadAirlineRuns } from '../helpers/tau-bench.js';

/** Tool results and customer messages of the tau-bench airline runs, each distinct text once. */
function tauBenchItems(): CorpusItem[] {
  const seen = new Set<string>();
  const items: CorpusItem[] = [];
  for (const run of loadAirlineRuns()) {
    for (const message of run.traj) {
      if ((message.role !== 'tool' && message.role !== 'user') || typeof message.content !== 'string' || seen.has(message.content)) continue;
      seen.add(message.content);
      items.push({ source: `tau-bench task ${run.task_id} trial ${run.trial}`, kind: message.role === 'tool' ? 'tool result' : 'customer message', text: message.content });
    }
  }
  return items;
}

const withheld = (outcomes: readonly ItemOutcome[]) => outcomes.filter((outcome) => outcome.action !== 'allow' && outcome.action !== 'warn').map((outcome) => ({ source: outcome.item.source, flags: outcome.flags }));

/** Benign content nobody here wrote, and ordinary notices: the default policy withholds none of it. */
describe('precision corpus under the default policy', () => {
  const table: RateRow[] = [];
  let notices: ItemOutcome[];
  let docs: ItemOutcome[];
  let tau: ItemOutcome[];

  beforeAll(async () => {
    notices = await runThroughGuard(benignItems());
    docs = await runThroughGuard(packageDocs());
    tau = await runThroughGuard(tauBenchItems());
    table.push(...rates('notices, manuals, tickets, emails', notices), ...rates('node_modules READMEs and changelogs', docs), ...rates('tau-bench results and messages', tau));
  }, 300_000);

  it('withholds none of the ordinary notices, manuals, tickets and emails (the issue\'s examples included)', () => {
    expect(notices.length).toBeGreaterThanOrEqual(80);
    expect(withheld(notices)).toEqual([]);
  });

  it('withholds none of the documentation of the installed packages', () => {
    expect(docs.length).toBeGreaterThan(150);
    expect(withheld(docs)).toEqual([]);
  });

  it('withholds none of the tau-bench tool results and customer messages', () => {
    expect(tau.length).toBeGreaterThan(1_000);
    expect(withheld(tau)).toEqual([]);
  });

  it('reports the withheld and warned rate per check', () => {
    console.table(table.map((row) => ({ ...row, 'withheld %': ((100 * row.withheld) / row.items).toFixed(2), 'warned %': ((100 * row.warned) / row.items).toFixed(2) })));
    expect(table.every((row) => row.withheld === 0)).toBe(true);
    // Warnings are allowed, but they must stay rare or people stop reading them.
    for (const row of table) expect(row.warned / row.items, `${row.corpus} ${row.check}`).toBeLessThan(0.05);
  });
});
