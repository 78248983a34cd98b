/**
 * The physical floor of a stdio proxy: a process that starts the server as its child and pipes bytes
 * both ways, reading nothing. What it adds to a direct connection is the extra process hop alone (two
 * pipe writes, two reads, two wake-ups per round trip); `warden proxy` cannot add less.
 * Run: node dist/bench/raw-relay.js COMMAND [ARGS...]
 */
import { spawn } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
if (!command) throw new Error('usage: raw-relay COMMAND [ARGS...]');
const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
process.stdin.pipe(child.stdin);
child.stdout.pipe(process.stdout);
child.on('exit', (code) => process.exit(code ?? 1));
