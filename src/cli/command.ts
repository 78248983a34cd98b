/** One option of a command, as `node:util` parseArgs takes it, plus what `--help` says about it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** The value's placeholder in the help (`FILE`, `N`). */
  arg?: string;
  help: string;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** What a command's `run` gets: parsed options, positionals, and what followed `--` (proxy). */
export interface CommandArgs {
  values: OptionValues;
  positionals: string[];
  passThrough: string[];
}

/** A CLI command: everything `warden COMMAND --help` prints, and what it runs. */
export interface Command {
  name: string;
  /** The usage lines, without the leading `warden`. */
  usage: string[];
  /** A paragraph under the usage. */
  description: string;
  options: Record<string, OptionSpec>;
  /** `[command line, what it does]`. */
  examples: Array<[string, string]>;
  /** Arguments after `--` (or from the first word that is not an option) are handed over untouched (the proxy's upstream command). */
  passThrough?: boolean;
  /** Positional arguments accepted: `[min, max]`. */
  positionals: [number, number];
  /** The exit status (`exit-status.ts`): 0 done, 1 a regression or failure, 2 usage, 3 input lines skipped. Load heavy modules inside, with `import()`. */
  run(args: CommandArgs): Promise<number>;
}

export const HELP_OPTION: Record<string, OptionSpec> = { help: { type: 'boolean', short: 'h', help: 'show this help' } };
export const DEBUG_OPTION: Record<string, OptionSpec> = { debug: { type: 'boolean', help: 'on an internal error, print the stack trace' } };

function optionLabel(name: string, spec: OptionSpec): string {
  const long = `--${name}${spec.type === 'string' ? ` ${spec.arg ?? 'VALUE'}` : ''}`;
  return spec.short ? `-${spec.short}, ${long}` : `    ${long}`;
}

/** Wraps a paragraph at `width` columns. */
export function wrap(text: string, width = 100, indent = ''): string {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/)) {
    if (current !== '' && current.length + 1 + word.length > width - indent.length) {
      lines.push(indent + current);
      current = word;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  if (current !== '') lines.push(indent + current);
  return lines.join('\n');
}

/** `warden COMMAND --help`: usage, description, options, examples. */
export function commandHelp(command: Command): string {
  const options = Object.entries({ ...command.options, ...DEBUG_OPTION, ...HELP_OPTION });
  const labels = options.map(([name, spec]) => optionLabel(name, spec));
  const width = Math.max(...labels.map((label) => label.length)) + 2;
  const lines = command.usage.map((usage, index) => `${index === 0 ? 'Usage: ' : '       '}warden ${usage}`);
  lines.push('', wrap(command.description), '', 'Options:');
  options.forEach(([, spec], index) => lines.push(`  ${labels[index]!.padEnd(width)}${spec.help}${spec.multiple ? ' (may be repeated)' : ''}`));
  lines.push('', 'Examples:');
  for (const [example, what] of command.examples) lines.push(`  ${example}`, `      ${what}`);
  return `${lines.join('\n')}\n`;
}
