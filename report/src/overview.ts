import type { ReportSession } from '../../src/report/report-types.js';
import { h } from './dom';
import { count, MODE_NAMES, plural, usd } from './format';

export interface Overview {
  element: HTMLElement;
  filter: HTMLInputElement;
  select(id: string): void;
}

/** The words a session is found by in the filter box. */
function searchText(session: ReportSession): string {
  const triage = session.triage;
  return [
    session.id,
    session.outcome,
    session.worstAction,
    triage.mode,
    MODE_NAMES[triage.mode],
    triage.fault_origin ? `origin step ${triage.fault_origin.step} ${triage.fault_origin.type} ${triage.fault_origin.reason}` : 'no origin',
    ...triage.flags.map((flag) => flag.code),
    ...triage.actions_after_origin.map((action) => action.tool),
  ]
    .join(' ')
    .toLowerCase();
}

function flagSummary(session: ReportSession): HTMLElement {
  const counts = new Map<string, number>();
  for (const flag of session.triage.flags) counts.set(flag.code, (counts.get(flag.code) ?? 0) + 1);
  if (counts.size === 0) return h('span', { class: 'muted' }, 'none');
  return h('span', { class: 'flags' }, ...[...counts].map(([code, times]) => h('span', { class: 'flag' }, times > 1 ? `${code} ×${times}` : code)));
}

function outcomeCell(session: ReportSession): HTMLElement {
  const stopped = session.worstAction === 'block' || session.worstAction === 'pause' || session.worstAction === 'kill';
  return h('span', {}, h('span', { class: `outcome outcome-${session.outcome}` }, session.outcome), stopped ? h('span', { class: `action action-${session.worstAction}`, title: 'the strongest action the guard took in this session' }, session.worstAction) : null);
}

/** Every session of the trace, the worst first, with a filter box; a session is opened by its button. */
export function overview(sessions: ReportSession[], open: (id: string) => void): Overview {
  const filter = h('input', { type: 'search', id: 'filter', class: 'filter', placeholder: 'Filter: id, mode, flag code, tool…', 'aria-describedby': 'filter-count', autocomplete: 'off', spellcheck: 'false' });
  const shown = h('p', { id: 'filter-count', class: 'muted', role: 'status', 'aria-live': 'polite' }, `${plural(sessions.length, 'session')}, the worst first.`);
  const body = h('tbody');
  const rows = new Map<string, HTMLTableRowElement>();
  const texts = new Map<string, string>();
  for (const session of sessions) {
    const triage = session.triage;
    const row = h(
      'tr',
      { 'data-session': session.id, class: `mode-${triage.mode}` },
      h('th', { scope: 'row' }, h('button', { type: 'button', class: 'session-link', onClick: () => open(session.id) }, session.id)),
      h('td', {}, outcomeCell(session)),
      h('td', {}, h('span', { class: `mode mode-badge-${triage.mode}` }, MODE_NAMES[triage.mode])),
      h('td', { class: 'num' }, triage.fault_origin ? `step ${triage.fault_origin.step}` : h('span', { class: 'muted' }, '—')),
      h('td', {}, flagSummary(session)),
      h('td', { class: 'num' }, count(session.tokens)),
      h('td', { class: 'num' }, session.costUsd === null ? h('span', { class: 'muted', title: 'no prices for these models in the policy' }, '—') : usd(session.costUsd)),
    );
    rows.set(session.id, row);
    texts.set(session.id, searchText(session));
    body.append(row);
  }
  const table = h(
    'table',
    { class: 'overview', 'aria-describedby': 'filter-count' },
    h('caption', { class: 'visually-hidden' }, 'Sessions in the trace, the worst first'),
    h('thead', {}, h('tr', {}, ...['Session', 'Outcome', 'Failure mode', 'Fault origin', 'Flags', 'Tokens', 'Cost'].map((name) => h('th', { scope: 'col', class: ['Fault origin', 'Tokens', 'Cost'].includes(name) ? 'num' : undefined }, name)))),
    body,
  );
  const empty = h('p', { class: 'muted empty', hidden: true }, 'No session matches the filter.');
  const apply = () => {
    const terms = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    let visible = 0;
    for (const [id, row] of rows) {
      const text = texts.get(id)!;
      const match = terms.every((term) => text.includes(term));
      row.hidden = !match;
      if (match) visible += 1;
    }
    empty.hidden = visible > 0;
    shown.textContent = terms.length ? `${count(visible)} of ${plural(sessions.length, 'session')} match “${filter.value.trim()}”.` : `${plural(sessions.length, 'session')}, the worst first.`;
  };
  filter.addEventListener('input', apply);
  filter.addEventListener('keydown', (event) => {
    // Enter opens the first session left after filtering.
    if (event.key !== 'Enter') return;
    const first = [...rows].find(([, row]) => !row.hidden);
    if (first) open(first[0]);
  });
  const element = h(
    'section',
    { class: 'overview-section', 'aria-labelledby': 'overview-heading' },
    h('h2', { id: 'overview-heading' }, 'Sessions'),
    h('div', { class: 'filter-row no-print' }, h('label', { for: 'filter' }, 'Filter sessions'), filter),
    shown,
    h('div', { class: 'table-wrap' }, table),
    empty,
  );
  return {
    element,
    filter,
    select(id) {
      for (const [rowId, row] of rows) {
        const current = rowId === id;
        row.classList.toggle('selected', current);
        if (current) row.scrollIntoView({ block: 'nearest' });
        const button = row.querySelector('button');
        if (current) button?.setAttribute('aria-current', 'true');
        else button?.removeAttribute('aria-current');
      }
    },
  };
}
