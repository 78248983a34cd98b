import type { Command } from './command.js';
import { stringOption } from './options.js';
import { outputFailure, prepareOutput } from './output.js';

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
const ACTION_COLOR: Record<string, string> = { allow: '32', warn: '33', block: '31;1', pause: '35;1', kill: '41;97' };

export const command: Command = {
  name: 'demo',
  usage: ['demo [--trace FILE]'],
  description: 'Replays the 2:37am incident live: a scripted agent invents an order id, the guard blocks the call before the tool runs, and the model recovers with a real lookup. No model, no key, nothing written unless --trace asks for a trace.',
  options: { trace: { type: 'string', arg: 'FILE', help: 'record the session as a trace in FILE (folders created as needed)' } },
  positionals: [0, 0],
  examples: [
    ['warden demo', 'watch the guard stop the invented order'],
    ['warden demo --trace demo.jsonl && warden triage demo.jsonl', 'record it, then triage the recording'],
  ],
  async run({ values }) {
    const tracePath = stringOption(values.trace);
    const { runIncidentDemo } = await import('../demo/incident.js');
    const { JsonlFileSink, MemorySink } = await import('../trace/jsonl-sink.js');
    if (tracePath) prepareOutput(tracePath);
    let sink: InstanceType<typeof JsonlFileSink> | InstanceType<typeof MemorySink>;
    try {
      sink = tracePath ? new JsonlFileSink(tracePath) : new MemorySink();
    } catch (error) {
      throw outputFailure(tracePath!, error);
    }
    process.stdout.write(`${paint('1', 'agent-warden demo')}: the 2:37am incident (playbook), a scripted agent, the guard live.\n\n`);
    try {
      const { blockedStep } = await runIncidentDemo(sink, ({ label, decision, detail }) => {
        const verdict = decision ? ` ${paint(ACTION_COLOR[decision.action] ?? '0', `[${decision.action.toUpperCase()}]`)}` : '';
        process.stdout.write(`  ${label}${verdict}\n`);
        for (const flag of decision?.flags ?? []) process.stdout.write(`      ${paint('31', flag.code)} step ${flag.step}: ${flag.message}\n`);
        if (detail) process.stdout.write(`      model is told: ${detail}\n`);
      });
      process.stdout.write(`\n${blockedStep === undefined ? 'The hallucinated order was NOT blocked.' : `The hallucinated order ord_555 was blocked at step ${blockedStep}, before get_order ran;`} the model recovered with a real lookup.\n`);
      process.stdout.write(tracePath ? `Trace: ${tracePath}\nTriage it: npx warden triage ${tracePath}\n` : `Record it with --trace FILE, then: npx warden triage FILE\n`);
      return blockedStep === undefined ? 1 : 0;
    } finally {
      if (sink instanceof JsonlFileSink) sink.close();
    }
  },
};
