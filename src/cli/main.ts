import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { COMMANDS } from './commands.js';
import { commandHelp, DEBUG_OPTION, HELP_OPTION, type Command } from './command.js';
import { CommandFailure, UsageError } from './options.js';
import { EXIT_STATUS_HELP } from './exit-status.js';
import { describePosition } from './position.js';
import { safeMessage, terminalSafe } from './safe-message.js';

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;
  return [
    'Usage: warden COMMAND [options] [arguments]',
    '',
    'Runtime guardrails between an AI agent loop and its tools: replay, triage and postmortem of session traces, and an MCP proxy.',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(width)}${summary}`),
    '',
    'Options:',
    '  -h, --help      show this help (warden COMMAND --help: the command\'s options and examples)',
    '  -v, --version   print the version',
    '',
    'A TRACE argument is a .jsonl file, a .jsonl.gz file, a directory (its *.jsonl and *.jsonl.gz files,',
    'sorted by name), or - for stdin; several may be given. The format: docs/trace-format.md.',
    EXIT_STATUS_HELP,
    '',
    'Examples:',
    '  warden demo',
    '  warden triage traces/ --json',
    '  warden replay --help',
    '',
  ].join('\n');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** `warden: unknown command "relpay"`, with the nearest command name when one is close. */
async function unknownCommand(name: string): Promise<UsageError> {
  const { distance } = await import('fastest-levenshtein');
  const near = Object.keys(COMMANDS).filter((candidate) => distance(candidate, name) <= 2);
  return new UsageError(`unknown command "${name}"${near.length > 0 ? ` (did you mean ${near.map((candidate) => `"${candidate}"`).join(' or ')}?)` : ''}. Run 'warden --help' for the commands.`);
}

/**
 * Where a pass-through command's own arguments end: at `--`, or, for launchers that strip it (MCP
 * Inspector), at the first word that is neither one of its options nor an option's value.
 */
function splitPassThrough(command: Command, argv: string[]): { own: string[]; passThrough: string[] } {
  const options = { ...command.options, ...DEBUG_OPTION, ...HELP_OPTION };
  const takesValue = (word: string) => {
    if (word.includes('=')) return false;
    const spec = word.startsWith('--') ? options[word.slice(2)] : Object.values(options).find((option) => option.short === word.slice(1));
    return spec?.type === 'string';
  };
  for (let index = 0; index < argv.length; index += 1) {
    const word = argv[index]!;
    if (word === '--') return { own: argv.slice(0, index), passThrough: argv.slice(index + 1) };
    if (!word.startsWith('-') || word === '-') return { own: argv.slice(0, index), passThrough: argv.slice(index) };
    if (takesValue(word)) index += 1;
  }
  return { own: argv, passThrough: [] };
}

function parseCommand(command: Command, argv: string[]) {
  const { own, passThrough } = command.passThrough ? splitPassThrough(command, argv) : { own: argv, passThrough: [] };
  const options = { ...command.options, ...DEBUG_OPTION, ...HELP_OPTION };
  const parsed = parseArgs({
    args: own,
    options: Object.fromEntries(Object.entries(options).map(([name, spec]) => [name, { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) }])),
    allowPositionals: true,
    strict: true,
  });
  return { values: parsed.values as Record<string, string | boolean | string[] | undefined>, positionals: parsed.positionals, passThrough };
}

let debug = false;
let commandName: string | undefined;

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    process.stderr.write(mainHelp());
    return 2;
  }
  if (first === '-h' || first === '--help') {
    process.stdout.write(mainHelp());
    return 0;
  }
  if (first === '-v' || first === '--version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (first === 'help') {
    if (rest[0] === undefined) {
      process.stdout.write(mainHelp());
      return 0;
    }
    return main([rest[0], '--help']);
  }
  if (first.startsWith('-')) throw new UsageError(`unknown option "${first}": options go after the command. Run 'warden --help' for the commands.`);
  const entry = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (!entry) throw await unknownCommand(first);
  commandName = first;
  const { command } = await entry.load();
  debug = rest.includes('--debug');
  const args = parseCommand(command, rest);
  if (args.values.help) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  const [min, max] = command.positionals;
  if (args.positionals.length < min) throw new UsageError(`${command.name} needs ${min === 1 ? 'an argument' : `${min} arguments`}: warden ${command.usage[0]}`);
  if (args.positionals.length > max) {
    throw new UsageError(max === 0 ? `${command.name} takes no argument (got "${args.positionals[0]}")` : `${command.name} takes at most ${max} argument${max === 1 ? '' : 's'}: warden ${command.usage[0]}`);
  }
  return command.run(args);
}

/** Output to a closed pipe (`warden replay big.jsonl | head -1`): stop quietly, as `cat` does. */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}
quietOnClosedPipe(process.stdout);
quietOnClosedPipe(process.stderr);

/** An error's message as printed: it may quote input (a session id, a URL, a line of a trace), so it passes `safeMessage`. */
const shown = (message: string) => safeMessage(message, 2000);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const prefix = `warden${commandName ? ` ${commandName}` : ''}`;
    const parseError = String((error as { code?: string })?.code ?? '').startsWith('ERR_PARSE_ARGS');
    if (error instanceof UsageError || parseError) {
      const unknown = /^Unknown option '([^']+)'/.exec((error as Error).message);
      if (unknown) (error as Error).message = `unknown option '${unknown[1]}'`;
      const hint = commandName && !/Run 'warden/.test((error as Error).message) ? `\nRun 'warden ${commandName} --help' for its options and examples.` : '';
      process.stderr.write(`${prefix}: ${shown((error as Error).message)}${hint}\n`);
      process.exitCode = 2;
    } else if (error instanceof CommandFailure) {
      process.stderr.write(`${prefix}: ${shown(error.message)}\n`);
      process.exitCode = error.exitCode;
    } else if ((error as Error)?.name === 'OpenSessionsError' || (error as Error)?.name === 'ClosedSessionError') {
      // A bound the user chose (or its default) was reached: the message says how to raise it; not a bug. (By name:
      // importing replay's errors here would load the guard, ajv included, for every command's --help.)
      process.stderr.write(`${prefix}: ${shown((error as Error).message)}\n`);
      process.exitCode = 1;
    } else if ((error as Error)?.name === 'InputError') {
      process.stderr.write(`${prefix}: cannot read ${shown((error as Error).message)}\n`);
      process.exitCode = 1;
    } else {
      // A bug of ours: say where in the input it struck; the stack only when asked for.
      const where = describePosition();
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      process.stderr.write(`${prefix}: internal error${where ? ` while processing ${where}` : ''}: ${shown(message)}\n`);
      process.stderr.write(debug && error instanceof Error && error.stack ? `${terminalSafe(error.stack)}\n` : `Run again with --debug for the stack trace, and please report it.\n`);
      process.exitCode = 1;
    }
  },
);
