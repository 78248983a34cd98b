import { createGuard } from '../dist/src/index.js';
import { snapshotArguments } from '../dist/src/state/argument-snapshot.js';
import { canonicalArguments } from '../dist/src/text/canonical-args.js';
const rows = Array.from({ length: 3_000 }, (_, index) => ({ n: index, t: index % 7 }));
const guard = createGuard({ tools: [{ name: 'unique', input_schema: { type: 'object', properties: { rows: { type: 'array', uniqueItems: true } } } }] });
const session = await guard.startSession();
let t0 = performance.now(); snapshotArguments({ rows }, guard.policy.limits); console.log('snapshot', (performance.now() - t0).toFixed(1));
t0 = performance.now(); canonicalArguments({ rows }, 64); console.log('canonical', (performance.now() - t0).toFixed(1));
for (let i = 0; i < 4; i++) { t0 = performance.now(); await session.beforeToolCall({ tool: 'unique', arguments: { rows } }); console.log('call', i, (performance.now() - t0).toFixed(1)); }
const v = session.state.tools.get('unique').validate; t0 = performance.now(); v({ rows }); console.log('validate', (performance.now() - t0).toFixed(1));
