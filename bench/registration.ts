/**
 * A guard in front of a server that lists thousands of tools (run as a child of `npm run bench`, in a
 * fresh process so no schema is cached): what `createGuard` costs per listed tool, and what the first
 * call of one tool pays for compiling its schema then (schemas compile on first use).
 */
import { createGuard, type ToolDefinition } from '../src/index.js';

const COUNT = Number(process.argv[2] ?? 5_000);
const tools: ToolDefinition[] = Array.from({ length: COUNT }, (_, index) => ({
  name: `lookup_${index}`,
  description: `Looks up record ${index} of the catalogue by its id.`,
  input_schema: {
    type: 'object',
    properties: {
      record_id: { type: 'string', pattern: `^rec_[0-9]{${(index % 9) + 1},}$` },
      note: { type: 'string', maxLength: 200 + index },
      limit: { type: 'integer', minimum: 1, maximum: 100 },
    },
    required: ['record_id'],
    additionalProperties: false,
  },
}));
let started = performance.now();
// Past the default limits.maxTools (1,000): a server this large is run with the bound raised, as the docs say.
const guard = createGuard({ tools, policy: { limits: { maxTools: COUNT } } });
const create = performance.now() - started;
const session = await guard.startSession();
await session.message('user', 'Look up rec_123456789.');
const calls: number[] = [];
for (let index = 0; index < 2; index += 1) {
  started = performance.now();
  const decision = await session.beforeToolCall({ callId: `c${index}`, tool: 'lookup_8', arguments: { record_id: 'rec_123456789' } });
  calls.push(performance.now() - started);
  if (!decision.proceed) throw new Error(`unexpected refusal: ${decision.refusal?.message}`);
}
process.stdout.write(`${JSON.stringify({ count: COUNT, create, first: calls[0], second: calls[1] })}\n`);
