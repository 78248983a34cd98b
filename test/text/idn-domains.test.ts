import { describe, expect, it } from 'vitest';
import { idnCounterpart } from '../../src/text/idn-domains.js';
import { accountsIn } from '../../src/text/account-destinations.js';

describe('idnCounterpart: an address with an internationalized domain in its other form', () => {
  it.each<[string, string]>([
    ['eve@пример.рф', 'eve@xn--e1afmkfd.xn--p1ai'],
    ['eve@xn--e1afmkfd.xn--p1ai', 'eve@пример.рф'],
    ['EVE@XN--E1AFMKFD.XN--P1AI', 'eve@пример.рф'],
    ['eve@ПРИМЕР.РФ', 'eve@xn--e1afmkfd.xn--p1ai'],
    ['eve@bücher.example', 'eve@xn--bcher-kva.example'],
    ['eve@mail.xn--bcher-kva.example', 'eve@mail.bücher.example'],
    ['ева@пример.рф', 'ева@xn--e1afmkfd.xn--p1ai'],
  ])('%s is %s', (address, other) => {
    expect(idnCounterpart(address)).toBe(other);
  });

  it.each(['eve@x.test', 'eve@mail.example.com', 'eve@xn--zz.test', 'пример.рф', 'eve@'])('%s has none', (address) => {
    expect(idnCounterpart(address)).toBeUndefined();
  });
});

describe('accountsIn reads an address with a Unicode domain as an address', () => {
  it.each<[string, string[]]>([
    ['eve@пример.рф', ['eve@пример.рф']],
    ['Eve <eve@пример.рф>, bob@x.test', ['eve@пример.рф', 'bob@x.test']],
    ['mailto:eve@bücher.example', ['eve@bücher.example']],
  ])('%s', (value, accounts) => {
    expect(accountsIn(value)).toEqual(accounts);
  });

  it.each(['eve@пример', 'write to eve@пример.рф today', 'eve@пр имер.рф'])('%s is none', (value) => {
    expect(accountsIn(value)).toEqual([]);
  });
});
