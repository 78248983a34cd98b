import { describe, expect, it } from 'vitest';
import { IdShapeSet } from '../../src/text/id-shapes.js';
import { benignItems, packageDocs } from '../../bench/precision-corpus.js';
import { createGuard } from '../../src/index.js';

/** Ids of the kinds real sessions carry (tau-bench, the playbook's orders, UUIDs). */
const EXAMPLES = ['ord_1001', '#W2378156', 'credit_card_4421486', 'gift_card_7815826', 'cust_789', 'mia_li_3975', '8JX2WO', 'HAT030', 'req-12', '3f2b8c1e-9d4a-4e5b-8c7d-1a2b3c4d5e6f'];

describe('id shapes measured on the benign corpus', () => {
  it('learned shapes match (almost) nothing in the documentation of the installed packages and in ordinary notices', () => {
    const shapes = new IdShapeSet();
    for (const id of EXAMPLES) shapes.learnFrom(id, 'example');
    const matches = new Map<string, number>();
    let words = 0;
    for (const item of [...benignItems(), ...packageDocs()]) {
      words += item.text.split(/\s+/).length;
      for (const match of shapes.find(item.text)) matches.set(match.token, (matches.get(match.token) ?? 0) + 1);
    }
    const top = [...matches.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30);
    console.info(`${matches.size} distinct id-shaped tokens in ${words} words of benign text; most frequent:`, top);
    // Ids of generic code shapes (6 upper-case letters and digits) do occur in prose; everything else stays silent.
    expect(matches.size / words).toBeLessThan(0.001);
  });

  it.each(['the csv_2024 preset', 'iso_8859 encoding', 'utf_16 text', 'upgrade to v2_1', 'version 2.4.10 or v3', 'open report_2024.pdf and data_01.csv', 'latin_1 or cp1252'])(
    'never counts ordinary tokens as ids in model text: %s',
    async (text) => {
      const guard = createGuard({
        tools: [{ name: 'get_doc', input_schema: { type: 'object', properties: { doc_id: { type: 'string', pattern: '^[a-z]+_[0-9]+$' } } } }],
      });
      const session = await guard.startSession({ entities: { customer_id: 'cust_789', order_id: 'ord_1001', preset_id: 'pre_12' } });
      await session.message('user', 'Which preset should I use?');
      expect((await session.modelCall({ model: 'm', text: `Use ${text}.` })).flags).toEqual([]);
    },
  );

  it('carries a naming convention across entity kinds, from the kinds\' own names', () => {
    const shapes = new IdShapeSet();
    shapes.addKind('customer');
    shapes.addKind('order');
    shapes.learnFrom('cust_789', 'session');
    expect(shapes.find('Order ord_555, invoice inv_12, the csv_2024 preset, cust_790').map((match) => match.token)).toEqual(['ord_555', 'cust_790']);
  });
});
