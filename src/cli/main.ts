import { parseArgs, type ParseArgsConfig } from 'node:util';
import { runReplay } from './replay-command.js';
import { runDemo } from './demo-command.js';
import { runTriage } from './triage-command.js';
import { runPostmortem } from './postmortem-command.js';
import { runConvert } from './convert-command.js';
import { runProxy } from './proxy-command.js';
import { CommandFailure, UsageError } from './options.js';

const USAGE = `usage: warden <command> [options]

commands:
  demo [--trace FILE]                              the 2:37am incident, live through the guard (no model, no key)
  replay FILE [--policy P.json] [--json] [--expect]
                                                   feed a trace through the guard as live; --expect fails when a
                                                   session stopped when the trace was saved is no longer stopped
  triage FILE [--policy P.json] [--json]           failure mode, fault origin, cascade and actions per session
  (replay and triage: --max-open-sessions N        sessions open at once, at most; default 100000)
  postmortem FILE [--session ID] [--policy P.json] [-o OUT.md]
                                                   a Markdown postmortem with the playbook's six sections
  convert FILE [--tools TOOLS.json] [--model M] [--session ID] [-o OUT.jsonl]
                                                   OpenAI-style chat transcripts to session trace v1
  proxy [--policy P.json] [--trace FILE] [--listen HOST:PORT] [--max-frame-bytes N] -- COMMAND [ARGS...]
                                                   a guarding MCP proxy in front of any stdio MCP server
`;

function onePositional(command: string, positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one file`);
  return positionals[0]!;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const parse = <O extends NonNullable<ParseArgsConfig['options']>>(options: O) => parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  switch (command) {
    case 'demo': {
      const { values, positionals } = parse({ trace: { type: 'string' } });
      if (positionals.length > 0) throw new UsageError('demo takes no file');
      return runDemo(values);
    }
    case 'replay': {
      const { values, positionals } = parse({ policy: { type: 'string' }, json: { type: 'boolean' }, expect: { type: 'boolean' }, 'max-open-sessions': { type: 'string' } });
      return runReplay(onePositional('replay', positionals), values);
    }
    case 'triage': {
      const { values, positionals } = parse({ policy: { type: 'string' }, json: { type: 'boolean' }, 'max-open-sessions': { type: 'string' } });
      return runTriage(onePositional('triage', positionals), values);
    }
    case 'postmortem': {
      const { values, positionals } = parse({ policy: { type: 'string' }, session: { type: 'string' }, output: { type: 'string', short: 'o' } });
      return runPostmortem(onePositional('postmortem', positionals), values);
    }
    case 'convert': {
      const { values, positionals } = parse({ tools: { type: 'string' }, model: { type: 'string' }, session: { type: 'string' }, output: { type: 'string', short: 'o' } });
      return runConvert(onePositional('convert', positionals), values);
    }
    case 'proxy': {
      const separator = rest.indexOf('--');
      const own = separator === -1 ? rest : rest.slice(0, separator);
      const upstream = separator === -1 ? [] : rest.slice(separator + 1);
      const { values, positionals } = parseArgs({ args: own, options: { policy: { type: 'string' }, trace: { type: 'string' }, listen: { type: 'string' }, 'max-frame-bytes': { type: 'string' } }, allowPositionals: true, strict: true });
      if (positionals.length > 0) throw new UsageError(`put the upstream command after --: warden proxy -- ${positionals.join(' ')}`);
      return runProxy(upstream, values);
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
    const usage = error instanceof UsageError || String((error as { code?: string })?.code ?? '').startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`warden: ${(error as Error).message}\n${usage ? USAGE : ''}`);
    process.exitCode = usage ? 2 : error instanceof CommandFailure ? error.exitCode : 1;
  },
);
