import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runIncidentDemo } from '../demo/incident.js';
import { JsonlFileSink } from '../trace/jsonl-sink.js';

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
const ACTION_COLOR: Record<string, string> = { allow: '32', warn: '33', block: '31;1', pause: '35;1', kill: '41;97' };

export async function runDemo(options: { trace?: string }): Promise<number> {
  const tracePath = options.trace ?? join(tmpdir(), `warden-demo-${process.pid}.jsonl`);
  const sink = new JsonlFileSink(tracePath);
  process.stdout.write(`${paint('1', 'agent-warden demo')}: the 2:37am incident (playbook), a scripted agent, the guard live.\n\n`);
  try {
    const { blockedStep } = await runIncidentDemo(sink, ({ label, decision, detail }) => {
      const verdict = decision ? ` ${paint(ACTION_COLOR[decision.action] ?? '0', `[${decision.action.toUpperCase()}]`)}` : '';
      process.stdout.write(`  ${label}${verdict}\n`);
      for (const flag of decision?.flags ?? []) process.stdout.write(`      ${paint('31', flag.code)} step ${flag.step}: ${flag.message}\n`);
      if (detail) process.stdout.write(`      model is told: ${detail}\n`);
    });
    process.stdout.write(`\n${blockedStep === undefined ? 'The hallucinated order was NOT blocked.' : `The hallucinated order ord_555 was blocked at step ${blockedStep}, before get_order ran;`} the model recovered with a real lookup.\n`);
    process.stdout.write(`Trace: ${tracePath}\nReplay it: npx warden replay ${tracePath}\n`);
    return blockedStep === undefined ? 1 : 0;
  } finally {
    sink.close();
  }
}
