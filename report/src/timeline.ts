import type { ReportSession, ReportStep } from '../../src/report/report-types.js';
import { h } from './dom';
import { count, reversibility, since, usd } from './format';

const KIND_LABELS: Record<ReportStep['kind'], string> = {
  session: 'session',
  definitions: 'tools',
  system: 'system',
  user: 'user',
  assistant: 'assistant',
  model: 'model',
  'tool.call': 'tool call',
  'tool.result': 'tool result',
  subagent: 'subagent',
  context: 'context',
  goal: 'goal',
  guard: 'guard',
};

export function stepAnchor(step: number): string {
  return `step-${step}`;
}

function chars(value: number): string {
  return `${count(value)} character${value === 1 ? '' : 's'}`;
}

/** The guard's action on a step: under the report's policy, else as recorded, else the decision an event records. */
function badge(step: ReportStep): HTMLElement | string {
  const action = step.action ?? step.recordedAction;
  if (action) return h('span', { class: `action action-${action}`, title: step.action ? "the guard's action under the report's policy" : 'the live guard\'s recorded action' }, action);
  if (step.decides) return h('span', { class: `action action-${step.decides.action} recorded`, title: `the live guard's decision on step ${step.decides.step}` }, `${step.decides.action} #${step.decides.step}`);
  return '';
}

/**
 * The session's steps in order, each a `<details>`: its line (time since start, kind, what
 * happened, tokens, the guard's action, flags, origin and cascade markers) and, opened, its content.
 */
export function timeline(session: ReportSession, steps: ReportStep[], texts: readonly string[]): HTMLOListElement {
  const triage = session.triage;
  const origin = triage.fault_origin?.step;
  const cascade = new Set(triage.cascade);
  const actions = new Map(triage.actions_after_origin.map((action) => [action.step, action]));
  const flagsAt = new Map<number, Array<{ code: string; message: string }>>();
  for (const flag of triage.flags) {
    const list = flagsAt.get(flag.step) ?? [];
    list.push(flag);
    flagsAt.set(flag.step, list);
  }
  const list = h('ol', { class: 'timeline', 'aria-label': `Steps of session ${session.id}` });
  for (const step of steps) {
    const flags = flagsAt.get(step.step) ?? [];
    const action = actions.get(step.step);
    const isOrigin = step.step === origin;
    const inCascade = cascade.has(step.step);
    const key = isOrigin || inCascade || flags.length > 0 || action !== undefined || (step.action !== undefined && step.action !== 'allow');
    const classes = ['step', `kind-${step.kind.replace('.', '-')}`, isOrigin ? 'is-origin' : '', inCascade ? 'in-cascade' : '', flags.length ? 'is-flagged' : '', key ? 'is-key' : '', step.decides?.action === 'allow' ? 'is-quiet' : ''];

    const markers = h('span', { class: 'markers' });
    if (isOrigin) markers.append(h('span', { class: 'marker marker-origin' }, 'fault origin'));
    else if (inCascade) markers.append(h('span', { class: 'marker marker-cascade' }, 'cascade'));
    if (action) {
      const rev = reversibility(action.reversible);
      markers.append(h('span', { class: `marker marker-action ${rev.className}` }, `external action after origin · ${rev.label}`));
    }
    for (const code of new Set(flags.map((flag) => flag.code))) markers.append(h('span', { class: 'flag', title: flags.find((flag) => flag.code === code)?.message ?? code }, code));

    const summary = h(
      'summary',
      {},
      h('span', { class: 'step-no' }, `#${step.step}`),
      h('span', { class: 'since' }, step.sinceMs !== undefined ? since(step.sinceMs) : ''),
      h('span', { class: `kind kind-badge-${step.kind.replace('.', '-')}` }, KIND_LABELS[step.kind] ?? step.kind),
      h('span', { class: 'title' }, step.title, markers.childElementCount ? markers : null),
      h('span', { class: 'tokens' }, step.tokens ? `${count(step.tokens.input + step.tokens.output)} tok` : ''),
      h('span', { class: 'action-cell' }, badge(step)),
    );

    const body = h('div', { class: 'step-body' });
    if (isOrigin && triage.fault_origin) body.append(h('p', { class: 'origin-reason' }, h('strong', {}, 'Fault origin: '), triage.fault_origin.reason));
    if (flags.length) body.append(h('ul', { class: 'flag-list' }, ...flags.map((flag) => h('li', {}, h('code', {}, flag.code), ' ', flag.message))));
    const facts: Array<Node | string> = [];
    if (step.action) facts.push(`Guard under this report's policy: ${step.action}.`);
    if (step.recordedAction) facts.push(` Live guard (recorded): ${step.recordedAction}.`);
    if (step.tokens) facts.push(` Tokens: ${count(step.tokens.input)} in, ${count(step.tokens.output)} out${step.costUsd !== undefined ? ` (${usd(step.costUsd)})` : ''}.`);
    if (step.ts) facts.push(` At ${step.ts}.`);
    if (step.agent) facts.push(` Agent: ${step.agent}.`);
    if (facts.length) body.append(h('p', { class: 'facts' }, ...facts));
    for (const piece of step.content) {
      const text = piece.text ?? (piece.ref !== undefined ? texts[piece.ref] : undefined) ?? '';
      body.append(
        h(
          'section',
          { class: 'content' },
          h('h4', {}, piece.label, piece.truncated ? h('span', { class: 'cut' }, ` showing the first ${chars(text.length)} of ${chars(piece.size)}`) : null),
          h('pre', { tabindex: 0 }, text),
        ),
      );
    }
    if (step.content.length === 0 && step.kind !== 'guard') body.append(h('p', { class: 'muted' }, 'Content left out to keep the report small, or the step has none.'));

    list.append(h('li', { class: classes.filter(Boolean).join(' '), id: stepAnchor(step.step), 'data-step': step.step }, h('details', {}, summary, body)));
  }
  return list;
}
