import type { ReportSession, ReportStep } from '../../src/report/report-types.js';
import { h, s } from './dom';
import { compact, count, usd } from './format';

const WIDTH = 760;
const HEIGHT = 230;
const LEFT = 52;
const RIGHT = 70;
const TOP = 24;
const BOTTOM = 34;

/** Round axis steps: 1, 2 or 5 times a power of ten. */
function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

function ticksUpTo(max: number, ticks: number): number[] {
  const step = niceStep(max, ticks);
  const values = [0];
  while (values.at(-1)! < max - step * 1e-9) values.push(values.length * step);
  return values;
}

interface Measure {
  kind: 'cost' | 'tokens';
  label: string;
  format(value: number): string;
  of(step: ReportStep): number;
  budget?: number;
}

function measureFor(session: ReportSession): Measure {
  const budget = session.budget;
  const costKnown = session.costUsd !== null;
  if (costKnown && (budget?.maxCostUsd !== undefined || budget?.maxTokens === undefined)) {
    return { kind: 'cost', label: 'cumulative cost', format: usd, of: (step) => step.costUsd ?? 0, ...(budget?.maxCostUsd !== undefined ? { budget: budget.maxCostUsd } : {}) };
  }
  return { kind: 'tokens', label: 'cumulative tokens', format: compact, of: (step) => (step.tokens ? step.tokens.input + step.tokens.output : 0), ...(budget?.maxTokens !== undefined ? { budget: budget.maxTokens } : {}) };
}

/**
 * Tokens per model call (bars, left axis) and the cumulative cost, or tokens when no price is
 * known (line, right axis), with the session's budget as a dashed line and the fault origin marked.
 */
export function tokenChart(session: ReportSession, steps: ReportStep[]): HTMLElement {
  const calls = steps.filter((step) => step.tokens !== undefined);
  const figure = h('figure', { class: 'chart', 'data-testid': 'chart' });
  if (calls.length === 0 || calls.every((step) => step.tokens!.input + step.tokens!.output === 0)) {
    figure.append(h('p', { class: 'muted' }, 'No token counts recorded for this session: nothing to chart.'));
    return figure;
  }
  const measure = measureFor(session);
  const first = steps[0]?.step ?? 0;
  const last = Math.max(steps.at(-1)?.step ?? 0, first + 1);
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  // Each step has a slot of the width; a bar stands in the middle of its step's slot.
  const slot = plotWidth / (last - first + 1);
  const x = (step: number) => LEFT + slot / 2 + (step - first) * slot;
  const tokensOf = (step: ReportStep) => step.tokens!.input + step.tokens!.output;
  const maxBar = calls.reduce((max, step) => Math.max(max, tokensOf(step)), 1);
  const barTicks = ticksUpTo(maxBar, 4);
  const barTop = barTicks.at(-1)!;
  const yBar = (value: number) => TOP + plotHeight - (value / barTop) * plotHeight;

  let running = 0;
  const cumulative = calls.map((step) => ({ step: step.step, value: (running += measure.of(step)) }));
  const lineMax = Math.max(running, measure.budget ?? 0) || 1;
  const lineTicks = ticksUpTo(lineMax * 1.05, 4);
  const lineTop = lineTicks.at(-1)!;
  const yLine = (value: number) => TOP + plotHeight - (value / lineTop) * plotHeight;
  const barWidth = Math.max(2, Math.min(22, slot * 0.7));

  const total = calls.reduce((sum, step) => sum + tokensOf(step), 0);
  const summary = `${count(calls.length)} model calls, ${count(total)} tokens in all${session.costUsd !== null ? `, ${usd(session.costUsd)}` : ''}${measure.budget !== undefined ? `; budget ${measure.format(measure.budget)}${measure.kind === 'tokens' ? ' tokens' : ''}` : ''}.`;
  const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `Tokens per step and ${measure.label}: ${summary}`, class: 'chart-svg', preserveAspectRatio: 'xMidYMid meet' });

  const origin = session.triage.fault_origin;
  if (origin) {
    const end = session.triage.cascade.reduce((max, step) => Math.max(max, step), origin.step);
    svg.append(s('rect', { class: 'cascade-band', x: x(origin.step) - slot / 2, y: TOP, width: x(end) - x(origin.step) + slot, height: plotHeight }, s('title', {}, `cascade: steps ${session.triage.cascade.join(', ')}`)));
  }
  for (const value of barTicks) {
    svg.append(s('line', { class: 'grid', x1: LEFT, x2: WIDTH - RIGHT, y1: yBar(value), y2: yBar(value) }));
    svg.append(s('text', { class: 'axis-label', x: LEFT - 6, y: yBar(value) + 4, 'text-anchor': 'end' }, compact(value)));
  }
  for (const value of lineTicks) svg.append(s('text', { class: 'axis-label line-axis', x: WIDTH - RIGHT + 6, y: yLine(value) + 4 }, measure.format(value)));
  const stepTicks = ticksUpTo(last - first, Math.min(8, last - first)).filter((offset) => offset <= last - first && Number.isInteger(offset)).map((offset) => first + offset);
  for (const step of stepTicks) svg.append(s('text', { class: 'axis-label', x: x(step), y: HEIGHT - BOTTOM + 16, 'text-anchor': 'middle' }, String(step)));
  svg.append(s('text', { class: 'axis-title', x: LEFT + plotWidth / 2, y: HEIGHT - 4, 'text-anchor': 'middle' }, 'step'));
  svg.append(s('text', { class: 'axis-title', x: 12, y: TOP + plotHeight / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${TOP + plotHeight / 2})` }, 'tokens per step'));

  for (const step of calls) {
    const tokens = tokensOf(step);
    const height = Math.max(tokens > 0 ? 1 : 0, TOP + plotHeight - yBar(tokens));
    svg.append(
      s(
        'rect',
        { class: `bar${origin && step.step === origin.step ? ' bar-origin' : ''}`, x: x(step.step) - barWidth / 2, y: TOP + plotHeight - height, width: barWidth, height, 'data-step': step.step },
        s('title', {}, `step ${step.step}: ${count(tokens)} tokens (${count(step.tokens!.input)} in, ${count(step.tokens!.output)} out)${step.costUsd !== undefined ? `, ${usd(step.costUsd)}` : ''}`),
      ),
    );
  }
  if (origin) {
    svg.append(s('line', { class: 'origin-line', x1: x(origin.step), x2: x(origin.step), y1: TOP, y2: TOP + plotHeight }));
    svg.append(s('text', { class: 'origin-label', x: x(origin.step), y: TOP - 8, 'text-anchor': x(origin.step) > LEFT + plotWidth * 0.75 ? 'end' : 'start' }, `fault origin · step ${origin.step}`));
  }
  let path = `M ${LEFT} ${yLine(0)}`;
  let level = 0;
  for (const point of cumulative) {
    path += ` L ${x(point.step)} ${yLine(level)} L ${x(point.step)} ${yLine(point.value)}`;
    level = point.value;
  }
  path += ` L ${WIDTH - RIGHT} ${yLine(level)}`;
  svg.append(s('path', { class: 'cumulative', d: path, fill: 'none' }));
  for (const point of cumulative) svg.append(s('circle', { class: 'cumulative-point', cx: x(point.step), cy: yLine(point.value), r: 2.5 }, s('title', {}, `after step ${point.step}: ${measure.format(point.value)}${measure.kind === 'tokens' ? ' tokens' : ''}`)));
  if (measure.budget !== undefined) {
    svg.append(s('line', { class: 'budget-line', x1: LEFT, x2: WIDTH - RIGHT, y1: yLine(measure.budget), y2: yLine(measure.budget), 'data-testid': 'budget-line' }));
    svg.append(s('text', { class: 'budget-label', x: WIDTH - RIGHT - 4, y: yLine(measure.budget) - 4, 'text-anchor': 'end' }, `budget ${measure.format(measure.budget)}${measure.kind === 'tokens' ? ' tokens' : ''}${session.budget?.source === 'trace' ? ' (from the trace)' : ''}`));
  }
  svg.append(s('line', { class: 'axis', x1: LEFT, x2: WIDTH - RIGHT, y1: TOP + plotHeight, y2: TOP + plotHeight }));

  const legend = h(
    'figcaption',
    {},
    h('span', { class: 'key key-bar' }, 'tokens per model call'),
    h('span', { class: 'key key-line' }, measure.label + (measure.kind === 'tokens' && session.costUsd === null ? ' (no prices in the policy: cost unknown)' : '')),
    measure.budget !== undefined ? h('span', { class: 'key key-budget' }, 'budget') : null,
    origin ? h('span', { class: 'key key-cascade' }, 'fault origin and cascade') : null,
    h('span', { class: 'chart-summary' }, summary),
  );
  figure.append(svg, legend);
  return figure;
}
