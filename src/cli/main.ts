import { parseArgs } from 'node:util';
import { runReplay } from './replay-command.js';
import { runDemo } from './demo-command.js';

const USAGE = `usage: warden <command> [options]

commands:
  demo                                   run the 2:37am incident through the guard (no model, no key)
  replay FILE [--policy P.json] [--json] feed a session trace through the guard, as live
`;

export class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'demo':
      return runDemo(parseArgs({ args: rest, options: { trace: { type: 'string' } }, allowPositionals: false }).values);
    case 'replay': {
      const { values, positionals } = parseArgs({ args: rest, options: { policy: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true });
      if (positionals.length !== 1) throw new UsageError('replay takes exactly one trace file');
      return runReplay(positionals[0]!, values);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof UsageError || (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`warden: ${(error as Error).message}\n${usage ? USAGE : ''}`);
    process.exitCode = usage ? 2 : 1;
  },
);
