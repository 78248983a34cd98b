import type { SlicedWork } from '../text/in-slices.js';
import { JsonLine } from './json-line.js';
import type { Redactor } from './redact.js';

/**
 * An event's line in a JSONL trace, made a slice at a time: redacted (when `redactor` is given), then
 * written as JSON, then the newline; in parts, which joined are the line. Without redaction the event is written by `JSON.stringify` whole:
 * raw recording is asked for, and nothing walked it to tell its large containers.
 */
export function recordLine(event: unknown, redactor: Redactor | undefined): SlicedWork<string[]> {
  if (redactor === undefined) {
    const line = [`${JSON.stringify(event)}\n`];
    return { run: () => true, result: () => line };
  }
  const redaction = redactor.work(event);
  let json: JsonLine | undefined;
  return {
    run(deadline) {
      if (json === undefined) {
        if (!redaction.run(deadline)) return false;
        json = new JsonLine(redaction.result(), redaction.large);
      }
      return json.run(deadline);
    },
    result: () => {
      const parts = json!.result();
      if (parts[parts.length - 1] !== '\n') parts.push('\n');
      return parts;
    },
  };
}
