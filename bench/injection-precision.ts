/**
 * Precision and recall of the injection findings per tier, on the precision corpus (benign: ordinary
 * notices and the documentation of the installed packages; attacks: test/fixtures/precision/attacks.json),
 * side by side with a published npm prompt-injection detector (@andersmyrmel/vard, moderate preset).
 * Plus the withheld / warned rate of every check on the benign corpus under the default policy.
 */
import vard from '@andersmyrmel/vard';
import { attackItems, benignItems, heldOut, packageDocs, rates, runThroughGuard, type CorpusItem, type ItemOutcome, type RateRow } from './precision-corpus.js';

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

/** Runs the comparison; returns the two tables `npm run bench` prints. */
export async function injectionPrecision(): Promise<{ detectors: DetectorRow[]; heldOut: DetectorRow[]; unseen: DetectorRow[]; blind: DetectorRow[]; outOfSample: DetectorRow[]; checks: RateRow[]; corpus: string }> {
  const benign = [...benignItems(), ...packageDocs()];
  const attacks = attackItems();
  const benignOutcomes = await runThroughGuard(benign);
  const attackOutcomes = await runThroughGuard(attacks);
  const count = (outcomes: ItemOutcome[], tier: 'high' | 'any') => outcomes.filter((outcome) => isInjection(outcome, tier)).length;
  const vardBenign = benign.filter(vardFlags).length;
  const vardAttacks = attacks.filter(vardFlags).length;
  return {
    corpus: `${benign.length} benign items (${benignItems().length} notices, manuals, tickets and emails; ${benign.length - benignItems().length} READMEs and changelogs from node_modules), ${attacks.length} attacks`,
    detectors: [
      row('agent-warden, high tier (blocks)', count(attackOutcomes, 'high'), attacks.length, count(benignOutcomes, 'high')),
      row('agent-warden, both tiers (blocks or warns)', count(attackOutcomes, 'any'), attacks.length, count(benignOutcomes, 'any')),
      row('@andersmyrmel/vard (moderate)', vardAttacks, attacks.length, vardBenign),
    ],
    heldOut: await compareSet('held-out.json'),
    unseen: await compareSet('unseen.json'),
    blind: await compareSet('blind.json'),
    outOfSample: await compareSet('out-of-sample.json'),
    checks: rates('benign corpus', benignOutcomes),
  };
}
