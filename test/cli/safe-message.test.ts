import { describe, expect, it } from 'vitest';
import { jsonForTerminal, safeMessage, terminalSafe } from '../../src/cli/safe-message.js';

describe('safeMessage', () => {
  it('escapes every character a terminal acts on or hides: C0, DEL, C1, bidi, zero-width, separators, lone surrogates', () => {
    const hostile = ['\u001b[2J', '\u001b]8;;https://x/\u0007', '\u009b31m', '\u007f', '\u0000', '\r', '\n', '\t', '\u202a\u202b\u202c\u202d\u202e', '\u2066\u2067\u2068\u2069', '\u200b\u200c\u200d\u200e\u200f', '\u061c', '\u2028\u2029', '\ufeff', '\ud800', '\udc00'];
    for (const text of hostile) {
      const shown = safeMessage(`a${text}b`);
      // Each input here is ASCII but for what must be escaped: the output is plain printable ASCII.
      expect(shown).toMatch(/^a[\x20-\x7e]+b$/);
      expect(shown).toContain('\\');
    }
    expect(safeMessage('id\u202e\ngate')).toBe('id\\u202e\\ngate');
  });

  it('leaves benign text as it is: accents, CJK, Arabic, emoji (surrogate pairs kept)', () => {
    for (const text of ['get_order', 'café 注文 طلب 📦 naïve', 'ok: step 4 -> block']) expect(safeMessage(text)).toBe(text);
  });

  it('caps the length and says how much was cut', () => {
    expect(safeMessage('x'.repeat(50), 10)).toBe(`${'x'.repeat(10)}… (40 more characters)`);
    expect(safeMessage('x'.repeat(10), 10)).toBe('x'.repeat(10));
  });

  it('masks a URL password, also one that starts before the cut', () => {
    expect(safeMessage('at redis://admin:s3cret@db:6379')).toBe('at redis://admin:[REDACTED]@db:6379');
    const cut = safeMessage(`${'x'.repeat(5)} redis://admin:s3cret-s3cret@db`, 20);
    expect(cut).not.toContain('s3cret');
    expect(cut.startsWith('xxxxx redis://admin:')).toBe(true);
  });
});

describe('safeMessage masks secrets as the recorder does', () => {
  it('masks the password of any scheme, with or without a user name, and keeps the rest', () => {
    expect(safeMessage('redis://user:pass@host:6379/0')).toBe('redis://user:[REDACTED]@host:6379/0');
    expect(safeMessage('rediss://:pass@host')).toBe('rediss://:[REDACTED]@host');
    expect(safeMessage('see https://u:p@h/x and postgres://a:b@c/d')).toBe('see https://u:[REDACTED]@h/x and postgres://a:[REDACTED]@c/d');
  });

  it('leaves URLs without a password alone', () => {
    for (const text of ['redis://127.0.0.1:6379', 'https://example.com/a@b', 'mailto:a@b.c', 'git@github.com:o/r', 'ssh://git@host/repo']) expect(safeMessage(text)).toBe(text);
  });

  it('masks API keys, tokens and private keys, keeping what names them', () => {
    expect(safeMessage(`key sk-proj-${'Q7x'.repeat(12)} used`)).toBe('key [REDACTED] used');
    expect(safeMessage('Authorization: Bearer Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5')).toBe('Authorization: Bearer [REDACTED]');
    expect(safeMessage('password=hunter2hunter2; next')).toBe('password=[REDACTED]; next');
    expect(safeMessage('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY----- after')).toBe('[REDACTED] after');
  });

  it('masks a long token that starts before the cut: no head of it is left', () => {
    const jwt = `eyJhbGciOiJIUzI1NiJ9.eyJ${'c3ViIjoi'.repeat(200)}.${'dozjgNry'.repeat(40)}`;
    const shown = safeMessage(`token: ${jwt}`, 40);
    expect(shown).not.toContain('c3ViIjoi');
    expect(shown.startsWith('token: [REDACTED]')).toBe(true);
  });

  it('a huge line: a secret at its head masked, the rest counted', () => {
    const shown = safeMessage(`${'a'.repeat(10)} ghp_${'a1B2'.repeat(9)} ${'z'.repeat(1_000_000)}`, 21);
    expect(shown).toBe(`${'a'.repeat(10)} [REDACTED]… (${1_000_001} more characters)`);
  });
});

describe('terminalSafe and jsonForTerminal', () => {
  it('keep a text\'s own lines but escape the rest', () => {
    expect(terminalSafe('a\n\tb\u001b[2J\u202e redis://u:p@h')).toBe('a\n\tb\\u001b[2J\\u202e redis://u:[REDACTED]@h');
  });

  it('JSON stays JSON of the same value, with nothing raw a terminal would act on', () => {
    const value = { id: 's\u202e\u009b\u2028x', nested: [{ tool: 'a\u200bb', url: 'redis://u:p@h', note: 'api_key="k3y\\"v4lue" and \\"quoted\\"' }], plain: 'café 📦' };
    const text = jsonForTerminal(value, 2);
    expect(text).not.toMatch(/[\u0080-\u009f\u200b\u2028\u202e]/);
    expect(JSON.parse(text)).toEqual({ ...value, nested: [{ tool: 'a\u200bb', url: 'redis://u:[REDACTED]@h', note: 'api_key="[REDACTED]"v4lue" and \\"quoted\\"' }] });
  });
});
