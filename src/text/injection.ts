/**
 * Instructions aimed at the agent inside content that should only carry data.
 * Every pattern is bounded (no nested quantifiers, gaps of fixed maximum length), and all of them
 * run as one alternation, so a 1 MB tool result is scanned in one linear pass.
 */

import { compileLinear, firstMatch } from './linear-regex.js';

export interface InjectionFinding {
  kind: string;
  excerpt: string;
  index: number;
}

const GAP = "[^\\n.!?]{0,40}?";

const RULES: ReadonlyArray<readonly [kind: string, source: string]> = [
  [
    'override_instructions',
    `\\b(?:ignore|disregard|forget|override|bypass)\\b${GAP}\\b(?:all|any|every|the|your|these|those|previous|prior|above|earlier|preceding|system|original)\\b${GAP}\\b(?:instructions?|prompts?|directions|directives?|rules|guidelines|guardrails)\\b`,
  ],
  ['override_above', `\\b(?:ignore|disregard)\\s+(?:all\\s+)?(?:of\\s+)?(?:the\\s+)?(?:above|preceding)\\s+(?:and|instead)\\b`],
  ['new_instructions', `\\b(?:new|updated|revised|real|actual|hidden|secret)\\s+(?:system\\s+)?instructions?\\s*[:\\-]`],
  [
    'role_reassignment',
    `\\byou\\s+are\\s+now\\s+(?:in\\s+)?(?:an?\\s+)?(?:developer|admin|god|jailbreak|jailbroken|unrestricted|unfiltered|dan)\\b|\\bfrom\\s+now\\s+on,?\\s+(?:you|the\\s+assistant)\\s+(?:are|will|must|should|shall)\\b`,
  ],
  [
    'fake_system_notice',
    `(?:^|\\n)\\s*(?:\\[\\s*(?:system|admin|administrator|developer)(?:\\s+(?:notice|message|override|note|prompt))?\\s*\\]|<\\s*/?\\s*(?:system|instructions?|sys)\\s*>|#{1,3}\\s*(?:system\\s+)?instructions?\\s*:|(?:system|admin|administrator|developer)\\s+(?:notice|override|message|prompt|instructions?)\\s*:|system\\s*:\\s*(?:you|the\\s+assistant|assistant|ai|ignore|disregard|new|important|override))`,
  ],
  ['chat_template_marker', `<\\|(?:im_start|im_end|system|endoftext|start_header_id)\\|>|\\[/?INST\\]|<<\\s*/?SYS\\s*>>`],
  [
    'addressed_to_agent',
    `\\b(?:attention|note|important|instruction)\\b${GAP}\\b(?:ai|assistant|ai\\s+agent|language\\s+model|llm|chatbot)s?\\b${GAP}\\b(?:must|should|shall|needs?\\s+to|is\\s+required\\s+to)\\b`,
  ],
  [
    'conceal_from_user',
    `\\b(?:do\\s+not|don'?t|never|without)\\s+(?:tell(?:ing)?|inform(?:ing)?|mention(?:ing)?|reveal(?:ing)?|notify(?:ing)?|alert(?:ing)?)\\s+(?:this\\s+to\\s+)?the\\s+(?:user|customer|human)\\b`,
  ],
  [
    'exfiltrate_prompt',
    `\\b(?:reveal|print|output|repeat|show)\\b${GAP}\\b(?:system\\s+prompt|your\\s+instructions|initial\\s+instructions|hidden\\s+instructions)\\b`,
  ],
];

// Unicode tag characters (U+E0000-U+E007F) are invisible and decode to ASCII instructions.
// A separate `u` regex: the word rules run much faster without unicode mode.
const HIDDEN_TAGS = /[\u{E0000}-\u{E007F}]+/gu;

export interface InjectionScanner {
  scan(text: string): InjectionFinding[];
}

/** Builds the scanner once (policy patterns included); `scan` is then a single regex pass. */
export function createInjectionScanner(extraPatterns: readonly string[] = []): InjectionScanner {
  const rules = RULES;
  const combined = new RegExp(rules.map(([, source], index) => `(?<r${index}>${source})`).join('|'), 'gi');
  // Policy patterns come from outside: they run on RE2 (linear time), never inside the V8 alternation.
  const extra = extraPatterns.map((source, index) => ({ kind: `policy_pattern_${index}`, regex: compileLinear(source, { ignoreCase: true }) }));
  return {
    scan(text) {
      const findings: InjectionFinding[] = [];
      for (const { kind, regex } of extra) {
        const match = findings.length < 16 ? firstMatch(regex, text) : undefined;
        if (match) findings.push({ kind, excerpt: match.text.trim().slice(0, 160), index: match.index });
      }
      combined.lastIndex = 0;
      for (let match = combined.exec(text); match !== null && findings.length < 16; match = combined.exec(text)) {
        const groups = match.groups ?? {};
        const index = rules.findIndex((_, i) => groups[`r${i}`] !== undefined);
        findings.push({ kind: rules[index]?.[0] ?? 'unknown', excerpt: match[0].trim().slice(0, 160), index: match.index });
        if (match[0].length === 0) combined.lastIndex += 1;
      }
      HIDDEN_TAGS.lastIndex = 0;
      for (let match = HIDDEN_TAGS.exec(text); match !== null && findings.length < 16; match = HIDDEN_TAGS.exec(text)) {
        findings.push({ kind: 'hidden_unicode_tags', excerpt: decodeTagCharacters(match[0]), index: match.index });
      }
      return findings;
    },
  };
}

/** Tag characters mirror ASCII at U+E0000: decoding them shows what the hidden text says. */
function decodeTagCharacters(text: string): string {
  let decoded = '';
  for (const char of text) {
    const code = char.codePointAt(0)! - 0xe0000;
    decoded += code >= 0x20 && code < 0x7f ? String.fromCharCode(code) : '';
  }
  return `hidden text: ${JSON.stringify(decoded.slice(0, 160))}`;
}
