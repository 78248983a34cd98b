import type { ReportSession } from '../../src/report/report-types.js';
import { h } from './dom';
import { ACTION_PAST, count, duration, MODE_NAMES, plural, reversibility, usd } from './format';
import { tokenChart } from './chart';
import { timeline } from './timeline';
import { renderMarkdown } from './markdown';

const MODE_SIGNATURES: Record<string, string> = {
  hallucination_propagation: 'a false premise (an id, say) entered through model or subagent output and later steps built on it.',
  tool_misfire: 'a tool was called with malformed or truncated arguments, against a changed schema, or its result belonged to another entity.',
  context_poisoning: 'instructions or a rewritten goal entered the context from a channel that should only carry data.',
  cost_runaway: 'repeated near-identical calls or a token spike without useful progress.',
  none: 'no check raised a finding that changes a premise.',
};

/** Copies text: the clipboard API, else the selection; says what happened in `status`. */
async function copy(text: string, status: HTMLElement, what: string, fallback: HTMLElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = `Copied the ${what} to the clipboard.`;
    return;
  } catch {
    // file:// pages may be refused the clipboard API: fall back to a selection.
  }
  const area = h('textarea', { class: 'visually-hidden', 'aria-hidden': 'true', readonly: true });
  area.value = text;
  document.body.append(area);
  area.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  area.remove();
  if (copied) {
    status.textContent = `Copied the ${what} to the clipboard.`;
    return;
  }
  if (fallback instanceof HTMLDetailsElement) fallback.open = true;
  const range = document.createRange();
  range.selectNodeContents(fallback.querySelector('pre') ?? fallback);
  getSelection()?.removeAllRanges();
  getSelection()?.addRange(range);
  status.textContent = `The browser refused the clipboard: the ${what} is selected below, copy it with Ctrl+C or ⌘C.`;
}

function fact(term: string, ...value: Array<Node | string | null>): HTMLElement[] {
  return [h('dt', {}, term), h('dd', {}, ...value)];
}

/** Everything about one session: the facts, actions after the origin, chart, timeline and postmortem. */
export function sessionView(session: ReportSession, texts: readonly string[], goToStep: (step: number) => void): HTMLElement {
  const triage = session.triage;
  const origin = triage.fault_origin;
  const status = h('p', { class: 'copy-status', role: 'status', 'aria-live': 'polite' });
  const triageJson = JSON.stringify(triage, null, 2);
  const jsonBlock = h('details', { class: 'triage-json' }, h('summary', {}, 'Triage JSON (as warden triage --json prints it)'), h('pre', { tabindex: 0 }, triageJson));

  const heading = h('h2', { id: 'session-heading', tabindex: -1 }, 'Session ', h('code', {}, session.id));
  const tools = h(
    'div',
    { class: 'session-tools no-print' },
    h('button', { type: 'button', id: 'copy-triage', onClick: () => void copy(triageJson, status, 'triage JSON', jsonBlock) }, 'Copy triage JSON'),
    origin && session.steps ? h('button', { type: 'button', onClick: () => goToStep(origin.step) }, `Go to the fault origin (step ${origin.step})`) : null,
    status,
  );

  const stopped = session.worstAction === 'block' || session.worstAction === 'pause' || session.worstAction === 'kill';
  const facts = h(
    'dl',
    { class: 'facts-grid' },
    ...fact('Outcome', h('span', { class: `outcome outcome-${session.outcome}` }, session.outcome), stopped ? (session.guarded ? ` · the guard ${ACTION_PAST[session.worstAction]} a step` : ` · no live guard in the trace; replayed under the report's policy, the guard ${ACTION_PAST[session.worstAction]} a step`) : session.guarded ? ' · guarded live' : ' · no live guard in the trace'),
    ...fact('Failure mode', h('span', { class: `mode mode-badge-${triage.mode}` }, MODE_NAMES[triage.mode]), ` ${MODE_SIGNATURES[triage.mode] ?? ''}`),
    ...fact('Fault origin', origin ? h('span', {}, h('strong', {}, `step ${origin.step}`), ` (${origin.type}): ${origin.reason}`) : h('span', { class: 'muted' }, 'none: no step introduced a wrong premise the checks can see')),
    ...(origin ? fact('Cascade', h('span', { class: 'cascade-path' }, triage.cascade.join(' → '))) : []),
    ...fact('Tokens', `${count(session.tokens)} (${count(triage.totals.input_tokens)} in, ${count(triage.totals.output_tokens)} out) over ${plural(triage.totals.llm_calls, 'model call')} and ${plural(triage.totals.tool_calls, 'tool call')}`),
    ...fact('Cost', session.costUsd === null ? h('span', { class: 'muted' }, 'unknown: the policy prices none of these models') : usd(session.costUsd), session.budget ? ` · budget ${[session.budget.maxTokens !== undefined ? `${count(session.budget.maxTokens)} tokens` : '', session.budget.maxCostUsd !== undefined ? usd(session.budget.maxCostUsd) : ''].filter(Boolean).join(', ')}${session.budget.source === 'trace' ? ' (named by the live guard)' : ''}` : ''),
    ...fact('Events', `${count(session.events)}${session.startedAt ? `, from ${session.startedAt}` : ''}${session.durationMs !== undefined ? ` over ${duration(session.durationMs)}` : ''}`),
  );

  const actionsList = triage.actions_after_origin.length
    ? h(
        'ul',
        { class: 'actions-after' },
        ...triage.actions_after_origin.map((action) => {
          const rev = reversibility(action.reversible);
          return h('li', { class: rev.className }, session.steps ? h('button', { type: 'button', class: 'link', onClick: () => goToStep(action.step) }, `step ${action.step}`) : `step ${action.step}`, ' ', h('code', {}, action.tool), ' ', h('span', { class: `rev ${rev.className}` }, rev.label));
        }),
      )
    : h('p', { class: 'muted' }, origin ? 'None: no tool ran after the origin.' : 'Not applicable: no fault origin.');

  const section = h('section', { id: 'session', 'aria-labelledby': 'session-heading', 'data-session': session.id }, heading, tools, facts, h('section', { class: 'block' }, h('h3', {}, 'External actions after the origin'), actionsList));

  if (session.steps) {
    section.append(h('section', { class: 'block' }, h('h3', {}, 'Tokens and cost'), tokenChart(session, session.steps)));
    const list = timeline(session, session.steps, texts);
    const keyOnly = h('input', { type: 'checkbox', id: 'key-only' });
    keyOnly.addEventListener('change', () => list.classList.toggle('key-only', keyOnly.checked));
    const toggleAll = (open: boolean) => {
      for (const details of list.querySelectorAll('details')) if (!details.closest('li')?.hidden) details.open = open;
    };
    section.append(
      h(
        'section',
        { class: 'block' },
        h('h3', {}, 'Timeline'),
        h(
          'div',
          { class: 'timeline-tools no-print' },
          h('button', { type: 'button', onClick: () => toggleAll(true) }, 'Expand all'),
          h('button', { type: 'button', onClick: () => toggleAll(false) }, 'Collapse all'),
          h('label', { class: 'check' }, keyOnly, ' Only the origin, cascade, flagged and stopped steps'),
        ),
        session.omittedSteps > 0 ? h('p', { class: 'note' }, `${plural(session.omittedSteps, 'step')} of this session are left out of the timeline to keep the report small.`) : null,
        h('div', { class: 'timeline-head', 'aria-hidden': 'true' }, h('span'), h('span', {}, 'step'), h('span', {}, 'since start'), h('span', {}, 'kind'), h('span', {}, 'what happened'), h('span', {}, 'tokens'), h('span', {}, 'guard')),
        list,
      ),
    );
  } else {
    section.append(h('p', { class: 'note' }, session.omitted ?? 'The timeline of this session is not in the report.'));
  }

  if (session.postmortem) {
    const markdown = session.postmortem;
    const pmStatus = h('p', { class: 'copy-status', role: 'status', 'aria-live': 'polite' });
    const source = h('details', { class: 'markdown-source' }, h('summary', {}, 'Markdown source'), h('pre', { tabindex: 0 }, markdown));
    section.append(
      h(
        'section',
        { class: 'block postmortem' },
        h('h3', {}, 'Postmortem draft'),
        h('div', { class: 'session-tools no-print' }, h('button', { type: 'button', onClick: () => void copy(markdown, pmStatus, 'postmortem Markdown', source) }, 'Copy postmortem Markdown'), pmStatus),
        renderMarkdown(markdown),
        source,
      ),
    );
  }
  section.append(jsonBlock);
  return section;
}

