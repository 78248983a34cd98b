/** agent-warden/sinks: where a guard records its trace (a JSONL file, memory, several at once), and redaction. */
export type { TraceSink } from './sink.js';
export { JsonlFileSink, MemorySink, teeSinks } from './jsonl-sink.js';
export type { RecorderOptions } from './jsonl-sink.js';
export { createRedactor, maskSecrets, REDACTED, MASK_FAILED } from './redact.js';
export type { RedactionOptions, MaskFunction } from './redact.js';
