import type { ReportData } from '../../src/report/report-types.js';
import { h } from './dom';
import { visibleText } from '../../src/report/visible-text.js';
import { count, plural } from './format';
import { overview } from './overview';
import { sessionView } from './session-view';
import { stepAnchor } from './timeline';

function readData(): ReportData {
  const text = document.getElementById('report-data')?.textContent ?? '';
  return JSON.parse(text) as ReportData;
}

function route(): { session?: string; step?: number } {
  const params = new URLSearchParams(location.hash.slice(1));
  const step = Number(params.get('step'));
  return { ...(params.get('session') !== null ? { session: params.get('session')! } : {}), ...(params.get('step') !== null && Number.isInteger(step) ? { step } : {}) };
}

function link(session: string, step?: number): string {
  const params = new URLSearchParams({ session });
  if (step !== undefined) params.set('step', String(step));
  return `#${params.toString()}`;
}

function header(data: ReportData): HTMLElement {
  const problems = data.problemCount
    ? h(
        'details',
        { class: 'problems' },
        h('summary', {}, `${plural(data.problemCount, 'line')} of the trace could not be read and ${data.problemCount === 1 ? 'was' : 'were'} skipped`),
        h('ul', {}, ...data.problems.map((problem) => h('li', {}, `${problem.source}, line ${problem.line}: ${problem.reason}`))),
      )
    : null;
  return h(
    'header',
    { class: 'page-header' },
    h('h1', {}, data.title),
    h('p', { class: 'muted' }, `${plural(data.sessions.length, 'session')} from ${data.sources.join(', ')} · generated ${data.generatedAt} by ${data.generator}`),
    problems,
    data.notes.length ? h('ul', { class: 'notes' }, ...data.notes.map((note) => h('li', {}, note))) : null,
  );
}

function start(): void {
  const data = readData();
  document.title = visibleText(data.title);
  const app = document.getElementById('app')!;
  const detail = h('div', { id: 'detail' });
  let current: string | undefined;
  const open = (id: string) => {
    location.hash = link(id);
  };
  const list = overview(data.sessions, open);
  app.replaceChildren(
    h(
      'a',
      {
        class: 'skip-link',
        href: '#detail',
        // The address keeps naming the session: move the focus only.
        onClick: (event: Event) => {
          event.preventDefault();
          document.getElementById('session-heading')?.focus();
        },
      },
      'Skip to the selected session',
    ),
    header(data),
    h('main', {}, list.element, detail),
    h('footer', { class: 'muted' }, `Self-contained: this file makes no network request. ${count(data.sessions.length)} sessions · ${data.generator}.`),
  );

  const goToStep = (step: number) => {
    if (current !== undefined) location.hash = link(current, step);
  };
  const show = (focus: boolean) => {
    const wanted = route();
    // An address naming no session (or one not in the report) keeps the session on screen.
    const session = data.sessions.find((candidate) => candidate.id === (wanted.session ?? current)) ?? data.sessions.find((candidate) => candidate.id === current) ?? data.sessions[0];
    if (!session) {
      detail.replaceChildren(h('p', { class: 'note' }, 'The trace holds no session.'));
      return;
    }
    if (session.id !== current) {
      current = session.id;
      detail.replaceChildren(sessionView(session, data.texts, goToStep));
      list.select(session.id);
    }
    if (wanted.step !== undefined) {
      const item = document.getElementById(stepAnchor(wanted.step));
      const details = item?.querySelector('details');
      if (item && details) {
        item.hidden = false;
        details.open = true;
        item.scrollIntoView({ block: 'center' });
        details.querySelector('summary')?.focus();
        return;
      }
    }
    if (focus) {
      const heading = document.getElementById('session-heading');
      heading?.focus({ preventScroll: true });
      heading?.scrollIntoView({ block: 'start' });
    }
  };
  window.addEventListener('hashchange', () => show(true));
  show(false);

  // '/' goes to the filter box, as on many sites, unless the reader is typing somewhere.
  document.addEventListener('keydown', (event) => {
    const target = event.target as HTMLElement | null;
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
    if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
    event.preventDefault();
    list.filter.focus();
  });

  // Printed, the selected session shows every step opened.
  let closed: HTMLDetailsElement[] = [];
  window.addEventListener('beforeprint', () => {
    closed = [...detail.querySelectorAll<HTMLDetailsElement>('.timeline details:not([open])')];
    for (const details of closed) details.open = true;
  });
  window.addEventListener('afterprint', () => {
    for (const details of closed) details.open = false;
    closed = [];
  });
}

start();
