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
  });
});
