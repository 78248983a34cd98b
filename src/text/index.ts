/**
 * agent-warden/text: text helpers integrations need: tool arguments as a model emitted them, JSON held
 * as text, the injection scanner on its own, and what kind of tool a definition describes.
 */
export { toolArguments, parseJsonText } from './json-text.js';
export { createInjectionScanner } from './injection.js';
export { classifyTool, kindFromName } from '../tool-kind.js';
export type { ToolKind, ToolClassification } from '../tool-kind.js';
