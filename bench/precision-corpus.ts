/**
 * The precision corpus: benign content nobody here wrote (the Markdown documentation of the packages
 * installed in node_modules, deterministic given the lock file), ordinary notices, manuals, tickets
 * and emails (test/fixtures/precision/benign.json), and an attack set in the style of public
 * prompt-injection benchmarks (test/fixtures/precision/attacks.json). Shared by the precision test
 * and `npm run bench`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGuard, type Action, type GuardOptions } from '../src/index.js';

export interface CorpusItem {
  source: string;
  kind: string;
  text: string;
}

/** The repository root, from the source tree (vitest) or from dist/ (the bench). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth += 1) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'agent-warden') return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find the agent-warden repository root');
}

function fixture(name: string): CorpusItem[] {
  const file = join(repoRoot(), 'test', 'fixtures', 'precision', name);
  const { items } = JSON.parse(readFileSync(file, 'utf8')) as { items: Array<{ kind: string; text: string }> };
  return items.map((item, index) => ({ source: `${name}#${index}`, kind: item.kind, text: item.text }));
}

export const benignItems = (): CorpusItem[] => fixture('benign.json');
export const attackItems = (): CorpusItem[] => fixture('attacks.json');

/**
 * A second (`held-out.json`), third (`unseen.json`), fourth (`blind.json`), fifth (`out-of-sample.json`), sixth
 * (`second-blind.json`), seventh (`third-blind.json`), eighth (`final-out-of-sample.json`) or ninth (`ninth-blind.json`) set of attacks and
 * benign texts; see each file's `about`.
 */
export function heldOut(name = 'held-out.json'): { attacks: CorpusItem[]; benign: CorpusItem[] } {
  const file = join(repoRoot(), 'test', 'fixtures', 'precision', name);
  const { attacks, benign } = JSON.parse(readFileSync(file, 'utf8')) as { attacks: string[]; benign: string[] };
  const items = (texts: string[], kind: string) => texts.map((text, index) => ({ source: `${name}#${kind}${index}`, kind, text }));
  return { attacks: items(attacks, 'attack'), benign: items(benign, 'benign') };
}

/**
 * AgentDojo's attack templates with each of its injection goals (`agentdojo.json`; see its `about` and `license`): every
 * template with every goal (tool_knowledge with the goals whose tool calls are written out), the named templates with
 * AgentDojo's users and models' names in turn, and the important_instructions one with every user and model name once.
 * Sources are `agentdojo.json#TEMPLATE/SUITE/N`.
 */
export function agentdojo(): { attacks: CorpusItem[]; benign: CorpusItem[] } {
  const file = join(repoRoot(), 'test', 'fixtures', 'precision', 'agentdojo.json');
  const fixture = JSON.parse(readFileSync(file, 'utf8')) as {
    templates: Record<string, string>;
    users: string[];
    models: string[];
    goals: Array<{ id: string; goal: string; tools?: string }>;
    benign: string[];
  };
  const fill = (template: string, goal: string, user: string, model: string, tools = '') =>
    template.replaceAll('{goal}', goal).replaceAll('{user}', user).replaceAll('{model}', model).replaceAll('{tools}', tools);
  const attacks: CorpusItem[] = [];
  for (const [name, template] of Object.entries(fixture.templates)) {
    fixture.goals.forEach(({ id, goal, tools }, index) => {
      if (template.includes('{tools}') && tools === undefined) return;
      const user = fixture.users[index % fixture.users.length]!;
      const model = fixture.models[index % fixture.models.length]!;
      attacks.push({ source: `agentdojo.json#${name}/${id}`, kind: 'attack', text: fill(template, goal, user, model, tools) });
    });
  }
  const named = fixture.templates.important_instructions!;
  for (const user of fixture.users) {
    for (const model of fixture.models) attacks.push({ source: `agentdojo.json#important_instructions/${user}/${model}`, kind: 'attack', text: fill(named, fixture.goals[1]!.goal, user, model) });
  }
  return { attacks, benign: fixture.benign.map((text, index) => ({ source: `agentdojo.json#benign${index}`, kind: 'benign', text })) };
}

const DOC_FILE = /^(?:readme|changelog|history|changes|release[-_]?notes)(?:\.md|\.markdown)?$/i;
/** Documentation files bigger than this are cut: a tool result that size is already unusual. */
const MAX_DOC_BYTES = 256 * 1024;

/**
 * READMEs and changelogs of every package directly under node_modules (and one level into scopes),
 * sorted by path so the corpus is the same on every machine with the same lock file.
 */
export function packageDocs(limit = Number.POSITIVE_INFINITY): CorpusItem[] {
  const root = join(repoRoot(), 'node_modules');
  const packages: string[] = [];
  for (const name of readdirSync(root).sort()) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) for (const scoped of readdirSync(join(root, name)).sort()) packages.push(join(root, name, scoped));
    else packages.push(join(root, name));
  }
  const items: CorpusItem[] = [];
  for (const dir of packages) {
    let files: string[];
    try {
      if (!statSync(dir).isDirectory()) continue;
      files = readdirSync(dir).filter((file) => DOC_FILE.test(file)).sort();
    } catch {
      continue;
    }
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8').slice(0, MAX_DOC_BYTES);
      if (text.trim() !== '') items.push({ source: relative(root, join(dir, file)), kind: /readme/i.test(file) ? 'readme' : 'changelog', text });
      if (items.length >= limit) return items;
    }
  }
  return items;
}

export interface ItemOutcome {
  item: CorpusItem;
  action: Action;
  /** Codes of the flags raised, with the confidence of injection findings (`PROMPT_INJECTION:low`). */
  flags: string[];
}

const FETCH_TOOL = { name: 'fetch_document', description: 'Fetch a document by URL.', input_schema: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] } };

/** Feeds every item to a fresh guarded session as a tool result, and returns what the guard decided. */
export async function runThroughGuard(items: readonly CorpusItem[], options: GuardOptions = {}): Promise<ItemOutcome[]> {
  const guard = createGuard({ tools: [FETCH_TOOL], ...options });
  const outcomes: ItemOutcome[] = [];
  for (const [index, item] of items.entries()) {
    const session = await guard.startSession({ sessionId: `corpus-${index}` });
    await session.message('user', 'Please read this document for me: https://docs.example/page');
    await session.beforeToolCall({ callId: 'c1', tool: 'fetch_document', arguments: { url: 'https://docs.example/page' } });
    const decision = await session.afterToolCall({ callId: 'c1', tool: 'fetch_document', result: { url: 'https://docs.example/page', content: item.text } });
    outcomes.push({
      item,
      action: decision.action,
      flags: decision.flags.map((flag) => (flag.evidence?.confidence ? `${flag.code}:${String(flag.evidence.confidence)}` : flag.code)),
    });
    guard.endSession(session.id);
  }
  return outcomes;
}

export interface RateRow {
  corpus: string;
  items: number;
  check: string;
  withheld: number;
  warned: number;
}

/** Per corpus and per flag code: items withheld or blocked, and items only warned. */
export function rates(corpus: string, outcomes: readonly ItemOutcome[]): RateRow[] {
  const rows = new Map<string, RateRow>();
  for (const outcome of outcomes) {
    for (const code of new Set(outcome.flags.map((flag) => flag.split(':')[0]!))) {
      const row = rows.get(code) ?? { corpus, items: outcomes.length, check: code, withheld: 0, warned: 0 };
      if (outcome.action === 'warn' || outcome.action === 'allow') row.warned += 1;
      else row.withheld += 1;
      rows.set(code, row);
    }
  }
  return rows.size === 0 ? [{ corpus, items: outcomes.length, check: '(none)', withheld: 0, warned: 0 }] : [...rows.values()];
}
