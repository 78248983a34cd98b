import { REDACTED, URL_PASSWORD } from '../trace/redact.js';

/**
 * `text` with the password of every URL in it masked, as the recorder masks it (`redis://user:[REDACTED]@host`,
 * `https://:[REDACTED]@h`): a `--redis` URL quoted in an error, or a URL a trace holds, never shows its password.
 */
export function maskUrlCredentials(text: string): string {
  return text.includes('://') ? text.replace(URL_PASSWORD, `$1${REDACTED}@`) : text;
}
