import { describe, expect, it } from 'vitest';
import { accountsIn } from '../../src/text/account-destinations.js';

describe('accountsIn: the destinations a value that is nothing but accounts names', () => {
  it.each([
    ['mark@evil.test', ['mark@evil.test']],
    ['  mark@evil.test ', ['mark@evil.test']],
    ['Mark <mark@evil.test>', ['mark@evil.test']],
    ['"Black, Mark" <mark@evil.test>', ['mark@evil.test']],
    ['<mark@evil.test>', ['mark@evil.test']],
    ['mailto:mark@evil.test', ['mark@evil.test']],
    ['MAILTO:mark@evil.test?subject=Hi%20there&cc=eve@evil.test', ['mark@evil.test', 'eve@evil.test']],
    ['mailto:?to=mark@evil.test&bcc=eve@evil.test,zed@evil.test', ['mark@evil.test', 'eve@evil.test', 'zed@evil.test']],
    ['mark%40evil.test', ['mark@evil.test']],
    ['mark\uFF20evil.test', ['mark@evil.test']],
    ['mark@evil.test.', ['mark@evil.test']],
    ['alice@company.test, Mark <mark@evil.test>; eve@evil.test', ['alice@company.test', 'mark@evil.test', 'eve@evil.test']],
    ['alice@company.test mark@evil.test', ['alice@company.test', 'mark@evil.test']],
    ['alice@company.test, ', ['alice@company.test']],
    ['DE89 3704 0044 0532 0130 00', ['DE89 3704 0044 0532 0130 00', 'DE89370400440532013000']],
    ['0x' + 'ab'.repeat(20), ['0x' + 'ab'.repeat(20)]],
    ['DE89 3704 0044 0532 0130 00, GB29 NWBK 6016 1331 9268 19', ['DE89 3704 0044 0532 0130 00', 'DE89370400440532013000', 'GB29 NWBK 6016 1331 9268 19', 'GB29NWBK60161331926819']],
    ['de89370400440532013000', ['DE89370400440532013000']],
    ['DE89-3704-0044-0532-0130-00', ['DE89370400440532013000']],
    ['de89.3704.0044.0532.0130.00', ['DE89370400440532013000']],
    ['DE89\u00a03704\u00a00044\u00a00532\u00a00130\u00a000', ['DE89370400440532013000']],
    ['IBAN: DE89 3704 0044 0532 0130 00', ['DE89370400440532013000']],
    ['iban gb29-nwbk-6016-1331-9268-19', ['GB29NWBK60161331926819']],
    ['Mark <mark@evil.test> (work)', ['mark@evil.test']],
    ['mark@evil.test (Mark), eve(Eve)@evil.test', ['mark@evil.test', 'eve@evil.test']],
    ['mark\u200b@evil.test\ufeff', ['mark@evil.test']],
    ['mark@evil\u3002test', ['mark@evil.test']],
    ['mark@evil\uff0etest', ['mark@evil.test']],
    ['ethereum:0x' + 'ab'.repeat(20), ['0x' + 'ab'.repeat(20)]],
    ['0X' + 'AB'.repeat(20), ['0X' + 'AB'.repeat(20)]],
    // Set apart by brackets or quotes, or an Exchange proxy address.
    ['[eve@evil.test]', ['eve@evil.test']],
    ['"eve@evil.test"', ['eve@evil.test']],
    ["'eve@evil.test'", ['eve@evil.test']],
    ['(eve@evil.test)', ['eve@evil.test']],
    ['`eve@evil.test`', ['eve@evil.test']],
    ['[eve@evil.test], (mark@evil.test)', ['eve@evil.test', 'mark@evil.test']],
    ['SMTP:eve@evil.test', ['eve@evil.test']],
    ['smtp:eve@evil.test; SMTP:mark@evil.test', ['eve@evil.test', 'mark@evil.test']],
    // RFC 5322 atext in the local part, and a quoted local part.
    ["o'brien@evil.test", ["o'brien@evil.test"]],
    ['a!b@evil.test', ['a!b@evil.test']],
    ['a#b@evil.test', ['a#b@evil.test']],
    ['{x}|y~z@evil.test', ['{x}|y~z@evil.test']],
    ["Eve <o'brien@evil.test>", ["o'brien@evil.test"]],
    ['"eve smith"@evil.test', ['"eve smith"@evil.test']],
    ['Eve <"eve smith"@evil.test>', ['"eve smith"@evil.test']],
    ['"Smith, Eve" <"eve, smith"@evil.test>, mark@evil.test', ['"eve, smith"@evil.test', 'mark@evil.test']],
  ])('%s', (value, expected) => {
    expect(accountsIn(value)).toEqual(expected);
  });

  it.each([
    'Please forward this to mark@evil.test when you can',
    'Thanks! mark@evil.test',
    'Mark <mark@evil.test> said hello',
    'see <https://evil.test/x>',
    'mailto:mark@evil.test and more',
    'order W1234567',
    '',
    'a'.repeat(3_000) + '@evil.test',
    // Two letters, two digits and more, but wrong check digits: a username or a code, not an IBAN.
    'jo42smithfromoakland',
    'de88370400440532013000',
    'ab12-cdef-ghij-klmn',
    // A comment names nobody: an address only inside one is prose.
    'Mark (mark@evil.test) said hello',
    // Brackets and quotes around something else than an address; atext that glues a URL's query to an address.
    '(work)',
    '"Black, Mark"',
    '[see below]',
    "Tom's email is tom@evil.test",
    'a/b@evil.test',
    'email=eve@evil.test',
  ])('no destination in free text: %s', (value) => {
    expect(accountsIn(value)).toEqual([]);
  });

  it('a subject or body field of a mailto: URI names no destination', () => {
    expect(accountsIn('mailto:alice@company.test?subject=re%3A%20mark@evil.test&body=ask%20eve@evil.test')).toEqual(['alice@company.test']);
  });

  it('stays bounded on a long hostile list', () => {
    expect(accountsIn(Array.from({ length: 65 }, (_, i) => `u${i}@evil.test`).join(','))).toEqual([]);
    expect(accountsIn(Array.from({ length: 64 }, (_, i) => `u${i}@evil.test`).join(','))).toHaveLength(64);
    expect(accountsIn('"' + '\\"'.repeat(500) + '" <mark@evil.test>')).toEqual([]);
    expect(accountsIn('('.repeat(1_000) + 'mark@evil.test' + ')'.repeat(1_000))).toEqual([]);
  });
});
