/** agent-warden/text: text helpers integrations need (tool arguments as a model emitted them, JSON held as text). */
export { toolArguments, parseJsonText } from './json-text.js';
