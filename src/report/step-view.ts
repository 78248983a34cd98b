import type { TraceEvent } from '../trace/events.js';
import type { ReportContent, ReportStep, StepKind } from './report-types.js';
import { boundedJson, clipLine } from './bounded-json.js';
import { modelToolCalls } from '../trace/model-tool-calls.js';

/** A redacted event as the report keeps it: the timeline step, and a lighter copy of the event for the postmortem. */
export interface StepView {
  step: ReportStep;
  /** The event with its large content replaced by the shown part, so it can be kept in memory. */
  event: TraceEvent;
}

const TITLE = 160;

function quoted(text: string | undefined, length = 100): string {
  return text ? `"${clipLine(text, length)}"` : '';
}

function call(name: string, args: unknown): string {
  return `${name}(${clipLine(args, 80)})`;
}

function kindOf(event: TraceEvent): StepKind {
  switch (event.type) {
    case 'session.start':
    case 'session.end':
      return 'session';
    case 'tool.definitions':
      return 'definitions';
    case 'message':
      return event.role;
    case 'llm.call':
      return 'model';
    case 'tool.call':
      return 'tool.call';
    case 'tool.result':
      return 'tool.result';
    case 'subagent.output':
      return 'subagent';
    case 'context.add':
      return 'context';
    case 'goal.update':
      return 'goal';
    case 'guard.decision':
      return 'guard';
  }
}

/** What happened at a step, in one line. */
export function stepTitle(event: TraceEvent): string {
  let title: string;
  switch (event.type) {
    case 'session.start':
      title = `Session start${event.goal ? `: goal ${quoted(event.goal)}` : ''}`;
      break;
    case 'tool.definitions':
      title = `Tool definitions: ${event.tools.length} tool${event.tools.length === 1 ? '' : 's'} (${clipLine(event.tools.map((tool) => tool.name).join(', '), 100)})`;
      break;
    case 'message':
      title = `${event.role[0]!.toUpperCase()}${event.role.slice(1)} message: ${quoted(event.content) || '(empty)'}`;
      break;
    case 'llm.call': {
      // Read as the guard reads them: a trace may hold anything under tool_calls.
      const calls = modelToolCalls(event.output);
      const finish = event.finish_reasons?.filter((reason) => reason !== 'stop' && reason !== 'tool_calls') ?? [];
      title = `Model call (${event.model}${finish.length ? `, finish ${finish.join('/')}` : ''})`;
      if (event.output?.text) title += `: ${quoted(event.output.text, 80)}`;
      if (calls.length) title += ` → ${calls.slice(0, 3).map((item) => call(item.name, item.arguments)).join(', ')}${calls.length > 3 ? ` and ${calls.length - 3} more` : ''}`;
      break;
    }
    case 'tool.call':
      title = `Tool call ${call(event.tool, event.arguments)}`;
      break;
    case 'tool.result':
      title = `Result of ${event.tool}${event.is_error ? ' (error)' : ''}: ${clipLine(event.result, 100)}`;
      break;
    case 'subagent.output':
      title = `Subagent output${event.agent ? ` from ${event.agent}` : ''}: ${clipLine(event.content, 100)}`;
      break;
    case 'context.add':
      title = `Context from ${event.source}: ${clipLine(event.content, 100)}`;
      break;
    case 'goal.update':
      title = `Goal set by ${event.source}: ${quoted(event.goal)}`;
      break;
    case 'guard.decision': {
      const codes = [...new Set((event.flags ?? []).map((flag) => flag?.code).filter((code): code is string => typeof code === 'string'))];
      title = `Guard decision: ${event.action} step ${event.target_step}${codes.length ? ` (${codes.join(', ')})` : ''}`;
      break;
    }
    case 'session.end':
      title = `Session end (${event.status})${event.output !== undefined ? `: ${clipLine(event.output, 100)}` : ''}`;
      break;
  }
  return clipLine(title, TITLE);
}

function lighter(args: Record<string, unknown> | string, contentChars: number): Record<string, unknown> | string {
  const shown = boundedJson(args, contentChars);
  return shown.truncated ? shown.text : args;
}

/**
 * Turns one redacted event into its timeline step. Content is cut to `contentChars` characters per
 * piece (the whole size kept); `withContent: false` keeps only the step's line and numbers.
 */
export function viewStep(event: TraceEvent, contentChars: number, withContent: boolean): StepView {
  const content: ReportContent[] = [];
  /** Adds a piece of content; returns what the lighter event keeps of it (the value, or the shown part). */
  const add = (label: string, value: unknown): unknown => {
    if (value === undefined) return undefined;
    if (!withContent) return undefined;
    const shown = boundedJson(value, contentChars);
    content.push({ label, text: shown.text, size: shown.size, truncated: shown.truncated });
    return shown.truncated ? shown.text : value;
  };
  const step: ReportStep = { step: event.step, type: event.type, kind: kindOf(event), title: stepTitle(event), content };
  if (event.ts !== undefined) step.ts = event.ts;
  if (event.agent !== undefined) step.agent = event.agent;
  let light: TraceEvent;
  switch (event.type) {
    case 'session.start': {
      const goal = add('goal', event.goal);
      const entities = add('entities', event.entities);
      add('metadata', event.metadata);
      light = { ...event, metadata: undefined, goal: typeof goal === 'string' ? goal : undefined, entities: typeof entities === 'object' ? (entities as Record<string, string>) : undefined };
      break;
    }
    case 'tool.definitions':
      add('tools', event.tools);
      // The postmortem reads names and side-effect annotations only.
      light = { ...event, tools: event.tools.map((tool) => ({ name: tool.name, input_schema: {}, ...(tool.annotations ? { annotations: tool.annotations } : {}) })) };
      break;
    case 'message':
      light = { ...event, content: String(add('content', event.content) ?? '') };
      break;
    case 'llm.call': {
      step.tokens = { input: event.input_tokens ?? 0, output: event.output_tokens ?? 0 };
      const text = add('text', event.output?.text);
      const raw = event.output?.tool_calls as unknown;
      // Shown as the trace holds them (an empty list is nothing to show); read below as the guard reads them.
      add('tool calls', Array.isArray(raw) && raw.length === 0 ? undefined : raw);
      const calls = raw === undefined ? undefined : modelToolCalls(event.output);
      add('context window (input messages)', event.input_messages);
      light = {
        ...event,
        input_messages: event.input_messages === undefined ? undefined : [],
        output: {
          ...(typeof text === 'string' ? { text } : {}),
          ...(calls ? { tool_calls: withContent ? calls.map((item) => ({ id: item.id, name: item.name, arguments: lighter(item.arguments, contentChars) })) : calls.map((item) => ({ id: item.id, name: item.name, arguments: {} })) } : {}),
        },
      };
      break;
    }
    case 'tool.call':
      step.tool = event.tool;
      light = { ...event, arguments: (add('arguments', event.arguments) as Record<string, unknown> | string | undefined) ?? {} };
      break;
    case 'tool.result':
      step.tool = event.tool;
      if (event.is_error) step.isError = true;
      light = { ...event, result: add(event.is_error ? 'error' : 'result', event.result) };
      break;
    case 'subagent.output':
      light = { ...event, content: add('output', event.content) };
      break;
    case 'context.add':
      light = { ...event, content: add(`content (${event.source})`, event.content) };
      break;
    case 'goal.update':
      light = { ...event, goal: String(add('goal', event.goal) ?? '') };
      break;
    case 'guard.decision':
      step.decides = { step: event.target_step, action: event.action };
      add('flags', event.flags?.length ? event.flags : undefined);
      light = { ...event, flags: [] };
      break;
    case 'session.end':
      light = { ...event, output: add('output', event.output) };
      break;
  }
  return { step, event: light };
}
