/** agent-warden/sinks: where a guard records its trace (a JSONL file, memory, several at once), and redaction. */
export type { TraceSink } from './sink.js';
export { JsonlFileSink, MemorySink, teeSinks } from './jsonl-sink.js';
export type { RecorderOptions } from './jsonl-sink.js';
export { RotatingJsonlSink } from './rotating-sink.js';
export type { RotatingSinkOptions } from './rotating-sink.js';
export { createWebhookSender } from '../alerts/webhook-sender.js';
export type { WebhookSender, WebhookSenderOptions } from '../alerts/webhook-sender.js';
export { createRedactor, maskSecrets, REDACTED, MASK_FAILED } from './redact.js';
export type { RedactionOptions, MaskFunction } from './redact.js';
