import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';
import type { Flag, ToolDefinition } from '../trace/events.js';
import { definitionTexts } from '../text/definition-texts.js';
import { definitionHash } from '../state/tool-registry.js';
import { POISONING_RULES, type InjectionFinding, type InjectionScanner } from '../text/injection.js';
import { compileLinear, firstMatch } from '../text/linear-regex.js';
import type { RE2JS } from 're2js';

/** A definition's text a model reads: its title, its description and every description, enum, default and example in its schemas. */
function readableText(definition: ToolDefinition): string {
  const texts: string[] = [];
  const title = definition.annotations?.title;
  if (typeof title === 'string') texts.push(title);
  texts.push(...definitionTexts(definition));
  if (definition.output_schema !== undefined) texts.push(...definitionTexts({ input_schema: definition.output_schema }));
  return texts.join('\n');
}

/**
 * Poisoning only a definition shows (the content rules are written for results): asking the model to
 * read a file and pass its content along in an argument, and to keep quiet about what it does. On
 * RE2 (linear time): a definition comes from whoever serves the tool.
 */
const DEFINITION_RULES: ReadonlyArray<readonly [string, RE2JS]> = [
  ['smuggle_file_content', compileLinear(String.raw`\b(?:read|open|cat|load)\b[^\n]{0,120}?\band\s+(?:then\s+)?(?:pass|send|include|attach|put|add|forward|append)\b[^\n]{0,60}?\bcontents?\b`, { ignoreCase: true })],
  ['conceal_own_actions', compileLinear(String.raw`\b(?:do\s+not|don'?t|never)\s+(?:mention|tell|reveal|disclose|say)\s+(?:to\s+the\s+user\s+)?that\s+you\b`, { ignoreCase: true })],
];

/** Whether a content finding marks poisoning: its rule (decoded from base64 too) is one of POISONING_RULES, or the policy's own pattern. */
function isPoisoning(kind: string): boolean {
  const rule = kind.replace(/^encoded_base64:/, '');
  return POISONING_RULES.has(rule) || rule.startsWith('policy_pattern_');
}

export type PoisoningFinding = Pick<InjectionFinding, 'kind' | 'excerpt' | 'confidence'>;

/** What in a definition's text marks poisoning (none for a clean definition). */
export function poisoningIn(definition: ToolDefinition, injection: InjectionScanner): PoisoningFinding[] {
  const text = readableText(definition);
  const findings: PoisoningFinding[] = injection.scan(text).filter((finding) => isPoisoning(finding.kind));
  for (const [kind, rule] of DEFINITION_RULES) {
    const match = firstMatch(rule, text);
    if (match) findings.push({ kind, excerpt: match.text.slice(0, 160), confidence: 'high' });
  }
  return findings;
}

/**
 * Tool poisoning: a tool definition (from an MCP server, a registry, a plugin) whose description or
 * schema text carries poisoning (POISONING_RULES). The model reads every listed definition, so the list is
 * scanned by the content rules, each new or changed definition once (one already pinned or pending
 * as listed is not read again). A definition flagged at `block` or above is held back, unusable until
 * accepted (`session.acceptDefinitions()`), like a refused change.
 */
export const definitionInjection = defineCheck('definition-injection', ['tool.definitions'], (event, context) => {
  // An acceptance recorded by `acceptDefinitions()`: the operator vouched for what it accepts.
  if (event.accepted === true) return [];
  const flags: Flag[] = [];
  // Definitions dropped past limits.maxTools are not read: the session never uses them, and lists shown to the model leave them out.
  for (const definition of context.definitions().kept) {
    const hash = definitionHash(definition);
    if (context.session.tool(definition.name)?.hash === hash || context.session.pendingDefinition(definition.name)?.tool.hash === hash) continue;
    const findings = poisoningIn(definition, context.injection);
    if (findings.length === 0) continue;
    const confidence = findings.some((finding) => finding.confidence === 'high') ? 'high' : 'low';
    const first = findings[0]!;
    flags.push(
      flag(AnomalyCode.PROMPT_INJECTION, event.step, `The definition of tool ${definition.name} ${confidence === 'high' ? 'carries' : 'may carry'} instructions aimed at the agent (${first.kind}: ${JSON.stringify(first.excerpt)}).`, {
        channel: `tool definition ${definition.name}`,
        tool: definition.name,
        confidence,
        findings: findings.slice(0, 5).map(({ kind, excerpt, confidence: tier }) => ({ kind, excerpt, confidence: tier })),
      }),
    );
  }
  return flags;
});
