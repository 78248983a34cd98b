import type { Command } from './command.js';

/**
 * Every `warden` command: name -> summary and a lazy loader, so `warden --help` loads nothing and a
 * command loads only its own module. Adding a command is one line here and one `*-command.ts` file
 * exporting `command: Command`.
 */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<{ command: Command }> }> = {
  demo: { summary: 'the 2:37am incident, live through the guard (no model, no key)', load: () => import('./demo-command.js') },
  replay: { summary: 'feed traces through the guard as live; --expect checks saved stops still hold', load: () => import('./replay-command.js') },
  triage: { summary: 'failure mode, fault origin, cascade and actions after it, per session', load: () => import('./triage-command.js') },
  postmortem: { summary: "a Markdown postmortem draft with the playbook's six sections", load: () => import('./postmortem-command.js') },
  report: { summary: 'one self-contained HTML page: sessions worst first, timelines, cascade, chart, postmortem', load: () => import('./report-command.js') },
  convert: { summary: 'OpenAI-style chat transcripts (tau-bench runs too) to session trace v1', load: () => import('./convert-command.js') },
  proxy: { summary: 'a guarding MCP proxy in front of any stdio MCP server', load: () => import('./proxy-command.js') },
  sessions: { summary: 'live sessions shared on Redis: status, steps, tokens, cost, last flag', load: () => import('./sessions-command.js') },
  kill: { summary: 'kill a session shared on Redis, in every process', load: () => import('./halt-command.js').then(({ kill }) => ({ command: kill })) },
  pause: { summary: 'pause a session shared on Redis, in every process', load: () => import('./halt-command.js').then(({ pause }) => ({ command: pause })) },
  resume: { summary: 'lift the pause of a session shared on Redis', load: () => import('./halt-command.js').then(({ resume }) => ({ command: resume })) },
  forget: { summary: 'delete a lost session on Redis (keys evicted) so its id can start afresh', load: () => import('./forget-command.js') },
};
