/**
 * Precision and recall of the injection findings per tier, on the precision corpus (benign: ordinary
 * notices and the documentation of the installed packages; attacks: test/fixtures/precision/attacks.json),
 * side by side with a published npm prompt-injection detector (@andersmyrmel/vard, moderate preset).
 * Plus the withheld / warned rate of every check on the benign corpus under the default policy.
 */
import vard from '@andersmyrmel/vard';
import { agentdojo, attackItems, benignItems, heldOut, packageDocs, rates, runThroughGuard, type CorpusItem, type ItemOutcome, type RateRow } from './precision-corpus.js';

export interface DetectorRow {
  detector: string;
  'true positives': number;
  'false positives': number;
  'missed attacks': number;
  precision: string;
  recall: string;
}

function row(detector: string, flaggedAttacks: number, attacks: number, flaggedBenign: number): DetectorRow {
  const precision = flaggedAttacks + flaggedBenign === 0 ? 1 : flaggedAttacks / (flaggedAttacks + flaggedBenign);
  return {
    detector,
    'true positives': flaggedAttacks,
    'false positives': flaggedBenign,
    'missed attacks': attacks - flaggedAttacks,
    precision: precision.toFixed(3),
    recall: (flaggedAttacks / attacks).toFixed(3),
  };
}

const isInjection = (outcome: ItemOutcome, tier: 'high' | 'any') => outcome.flags.some((flag) => flag.startsWith('PROMPT_INJECTION') && (tier === 'any' || flag.endsWith(':high')));

function vardFlags(item: CorpusItem): boolean {
  return !vard.moderate().maxLength(Math.max(10_000, item.text.length + 1)).safeParse(item.text).safe;
}

async function compare(benign: CorpusItem[], attacks: CorpusItem[]): Promise<DetectorRow[]> {
  const benignOutcomes = await runThroughGuard(benign);
  const attackOutcomes = await runThroughGuard(attacks);
  const count = (outcomes: ItemOutcome[], tier: 'high' | 'any') => outcomes.filter((outcome) => isInjection(outcome, tier)).length;
  return [
    row('agent-warden, high tier (blocks)', count(attackOutcomes, 'high'), attacks.length, count(benignOutcomes, 'high')),
    row('agent-warden, both tiers (blocks or warns)', count(attackOutcomes, 'any'), attacks.length, count(benignOutcomes, 'any')),
    row('@andersmyrmel/vard (moderate)', attacks.filter(vardFlags).length, attacks.length, benign.filter(vardFlags).length),
  ];
}

/** `compare` on one of the held-out sets (test/fixtures/precision/NAME), read once. */
async function compareSet(name: string): Promise<DetectorRow[]> {
  const { benign, attacks } = heldOut(name);
  return compare(benign, attacks);
}

/** The later sets of attacks and look-alikes (test/fixtures/precision), each with what its table says about it. */
const SETS: ReadonlyArray<readonly [file: string, caption: string]> = [
  ['held-out.json', 'The same on the second set (20 attacks, 20 benign texts; before the rules saw it: high 5/20 with 1 false positive, both tiers 7/20 with 2)'],
  ['unseen.json', 'The same on a third set (12 attacks, 12 look-alike benign texts; measured once out of sample: both tiers 6/12, no false positive; then tuned on)'],
  ['blind.json', "The same on a fourth set (16 attacks, 16 look-alike benign texts, written blind; before the third set's generalization both tiers 7/16, after it 10/16, no false positive; then tuned on, 14/16)"],
  ['out-of-sample.json', 'The same on a fifth set (20 attacks, 20 look-alikes, written blind in phrasings a detector might not expect; measured after all tuning, never tuned on: the out-of-sample figure)'],
  ['second-blind.json', 'A sixth set (30 attacks, 30 look-alikes, written blind, a third in other languages; measured once: both tiers 9/30, high tier 2/30, 1 look-alike blocked; then tuned on)'],
  ['third-blind.json', 'A seventh set (30 attacks, 30 look-alikes as real tools return them: inboxes, channels, transactions, tickets, MCP tool descriptions; measured once after tuning on the sixth: both tiers 10/30, high tier 7/30; then tuned on)'],
  ['final-out-of-sample.json', 'An eighth set (30 attacks, 30 look-alikes, written blind with the sixth; measured once after all tuning: both tiers 2/30, high tier 1/30; then tuned on, the evening of 2026-11-27)'],
  ['ninth-blind.json', 'A ninth set (40 attacks, 40 look-alikes, written blind on 2026-11-27 evening; never tuned on: the out-of-sample figure. With the rules before that evening: both tiers 14/40, high tier 7/40, 1 look-alike warned)'],
];

/** Runs the comparison; returns the tables `npm run bench` prints. */
export async function injectionPrecision(): Promise<{ detectors: DetectorRow[]; sets: Array<{ caption: string; rows: DetectorRow[] }>; checks: RateRow[]; corpus: string }> {
  const benign = [...benignItems(), ...packageDocs()];
  const attacks = attackItems();
  const benignOutcomes = await runThroughGuard(benign);
  const attackOutcomes = await runThroughGuard(attacks);
  const count = (outcomes: ItemOutcome[], tier: 'high' | 'any') => outcomes.filter((outcome) => isInjection(outcome, tier)).length;
  const vardBenign = benign.filter(vardFlags).length;
  const vardAttacks = attacks.filter(vardFlags).length;
  const sets: Array<{ caption: string; rows: DetectorRow[] }> = [];
  for (const [file, caption] of SETS) sets.push({ caption, rows: await compareSet(file) });
  const dojo = agentdojo();
  sets.push({
    caption: `AgentDojo's own attack templates × its injection goals (${dojo.attacks.length}) and ${dojo.benign.length} look-alikes written for the rules they needed (to-do lists, changelog headings, support transcripts, chat-format docs); before 2026-11-28: both tiers 155, high tier 151`,
    rows: await compare(dojo.benign, dojo.attacks),
  });
  return {
    corpus: `${benign.length} benign items (${benignItems().length} notices, manuals, tickets and emails; ${benign.length - benignItems().length} READMEs and changelogs from node_modules), ${attacks.length} attacks`,
    detectors: [
      row('agent-warden, high tier (blocks)', count(attackOutcomes, 'high'), attacks.length, count(benignOutcomes, 'high')),
      row('agent-warden, both tiers (blocks or warns)', count(attackOutcomes, 'any'), attacks.length, count(benignOutcomes, 'any')),
      row('@andersmyrmel/vard (moderate)', vardAttacks, attacks.length, vardBenign),
    ],
    sets,
    checks: rates('benign corpus', benignOutcomes),
  };
}
