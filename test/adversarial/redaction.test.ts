import { describe, expect, it } from 'vitest';
import { createRedactor, maskSecrets, REDACTED } from '../../src/trace/sinks.js';

const redact = createRedactor();
const fake = (prefix: string, length: number, alphabet = 'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYz') => prefix + Array.from({ length }, (_, index) => alphabet[(index * 7) % alphabet.length]).join('');

describe('redaction: well-known credential formats in text', () => {
  const SECRETS: Array<[string, string]> = [
    ['Stripe live secret key', fake('sk_live_', 24)],
    ['Stripe test secret key', fake('sk_test_', 24)],
    ['Stripe restricted key', fake('rk_live_', 24)],
    ['Stripe webhook secret', fake('whsec_', 32)],
    ['GitLab personal token', fake('glpat-', 20)],
    ['GitLab deploy token', fake('gldt-', 24)],
    ['Hugging Face token', fake('hf_', 34)],
    ['npm token', fake('npm_', 36)],
    ['GitHub token', fake('ghp_', 36)],
    ['AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['OpenAI key', fake('sk-proj-', 40)],
  ];
  it.each(SECRETS)('%s is masked inside prose', (_, secret) => {
    const text = maskSecrets(`deploy with ${secret} tonight`);
    expect(text).not.toContain(secret);
    expect(text).toContain(REDACTED);
    expect(text).toMatch(/^deploy with .* tonight$/);
  });

  it.each([
    ['RSA', 'RSA '],
    ['EC', 'EC '],
    ['OpenSSH', 'OPENSSH '],
    ['PKCS#8', ''],
    ['encrypted', 'ENCRYPTED '],
  ])('a PEM %s private key is masked whole, its neighbours kept', (_, kind) => {
    const pem = `-----BEGIN ${kind}PRIVATE KEY-----\nMIIEowIBAAKCAQEA7x\nabc+/=\n-----END ${kind}PRIVATE KEY-----`;
    const text = maskSecrets(`before\n${pem}\nafter`);
    expect(text).toBe(`before\n${REDACTED}\nafter`);
  });

  it('an unterminated PEM key is masked to the end rather than leaked', () => {
    expect(maskSecrets('x -----BEGIN PRIVATE KEY-----\nMIIEow')).toBe(`x ${REDACTED}`);
  });

  it('many PEM headers without an end stay linear', () => {
    const text = '-----BEGIN PRIVATE KEY----- '.repeat(20_000);
    expect(maskSecrets(text)).toBe(REDACTED);
  });

  it.each([
    ['AWS secret access key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['x-api-key header', 'x-api-key: 9f8e7d6c5b4a39281706f5e4d3c2b1a0'],
    ['session token', 'session_token=AQoDYXdzEJr1K2x'],
    ['passphrase', 'passphrase: correct horse'],
  ])('%s in text is masked', (_, line) => {
    const text = maskSecrets(line);
    expect(text).toContain(REDACTED);
    expect(text).not.toContain(line.split(/[:=]\s*/)[1]!.split(' ')[0]);
  });

  it.each([
    ['?token=', 'https://api.example.com/v1/items?token=abc123secret&page=2', 'page=2'],
    ['&access_token=', 'https://x.example/cb?state=1&access_token=ya29.a0Af', 'state=1'],
    ['&api_key=', 'GET /search?q=shoes&api_key=k_8f7e6d5c', 'q=shoes'],
    ['X-Amz-Signature', 'https://s3.example/o?X-Amz-Signature=deadbeefcafe&X-Amz-Expires=60', 'X-Amz-Expires=60'],
  ])('%s URL parameters are masked, other parameters kept', (_, url, kept) => {
    const text = maskSecrets(url);
    expect(text).toContain(REDACTED);
    expect(text).toContain(kept);
  });
});

describe('redaction: card numbers (Luhn-checked)', () => {
  it.each(['4111 1111 1111 1111', '4111-1111-1111-1111', '5555555555554444', '378282246310005', '6011111111111117', '3530111333300000'])('card number %s is masked', (card) => {
    expect(maskSecrets(`paid with ${card}.`)).toBe(`paid with ${REDACTED}.`);
  });

  it.each([
    ['an order number failing Luhn', '4111111111111112'],
    ['epoch milliseconds', '1732550000000'],
    ['a 20-digit reference', '12345678901234567890'],
    ['all zeros', '0000000000000000'],
    ['a short number', '411111111111'],
  ])('benign: %s is kept', (_, number) => {
    expect(maskSecrets(`ref ${number}`)).toBe(`ref ${number}`);
  });
});

describe('redaction: keys, fields and opt-in personal data', () => {
  it.each(['password', 'passphrase', 'x-api-key', 'session_token', 'SessionToken', 'aws_secret_access_key', 'SecretAccessKey', 'client_secret', 'cvv', 'card_number'])('the value under a %s key is masked', (key) => {
    const event = redact({ type: 'tool.call', arguments: { [key]: 'hunter2-value' } });
    expect(event.arguments).toEqual({ [key]: REDACTED });
  });

  it('a `__proto__` key, at the top or inside, stays a data field of the copy and is cleaned like any other', () => {
    const event = redact(JSON.parse(`{"type":"tool.result","__proto__":{"password":"hunter2-value","note":"x"},"result":{"__proto__":{"password":"p"}}}`)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
    expect(Object.hasOwn(event, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(event, '__proto__')!.value).toEqual({ password: REDACTED, note: 'x' });
    expect((event as { password?: unknown }).password).toBeUndefined();
    const result = event.result as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')!.value).toEqual({ password: REDACTED });
  });

  it('a secret used as an object key is masked, and distinct masked keys do not collide', () => {
    const a = fake('sk_live_', 24);
    const b = fake('sk_live_', 26);
    const event = redact({ type: 'tool.result', result: { [a]: 1, [b]: 2, plain: 3 } }) as { result: Record<string, number> };
    expect(Object.keys(event.result).join(' ')).not.toMatch(/sk_live_/);
    expect(Object.values(event.result).sort()).toEqual([1, 2, 3]);
  });

  it('agent and source fields are cleaned like content', () => {
    const secret = fake('ghp_', 36);
    const event = redact({ type: 'context.add', agent: `worker ${secret}`, source: `https://x.example/doc?token=${secret}`, content: 'x' }) as Record<string, string>;
    expect(event.agent).not.toContain(secret);
    expect(event.source).not.toContain(secret);
  });

  it('emails and phone numbers are kept by default (often legitimate ids) and masked when asked', () => {
    const text = 'Contact mia.li@example.com or +1 555-123-4567 about ord_1001';
    expect(maskSecrets(text)).toBe(text);
    const masked = maskSecrets(text, { emails: true, phones: true });
    expect(masked).toBe(`Contact ${REDACTED} or ${REDACTED} about ord_1001`);
  });

  it('benign: ids, dates and amounts pass through untouched', () => {
    const text = 'Order ord_1001 for cust_789, $42.10 on 2024-05-20, reservation 8JX2WO, uuid 3f2b8c1e-9d4a-4e5b-8c7d-1a2b3c4d5e6f';
    expect(maskSecrets(text)).toBe(text);
  });
});
