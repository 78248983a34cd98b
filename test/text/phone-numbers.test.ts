import { describe, expect, it } from 'vitest';
import { forEachPhoneNumber, phoneDestinationOf, phoneForms, phoneNumberOf, type PhoneDestination } from '../../src/text/phone-numbers.js';

const inText = (text: string) => {
  const found: string[] = [];
  forEachPhoneNumber(text, (form) => found.push(form));
  return found;
};

describe('phone numbers in content: every form of each, as a call may pass it', () => {
  it.each<[string, string[]]>([
    ['call +1 (555) 010-0199 today', ['15550100199', '+5550100199']],
    ['call (555) 010-0199 today', ['5550100199']],
    ['+1(555)010-0199', ['15550100199', '+5550100199']],
    ['<a href="tel:+1-555-010-0199">call</a>', ['15550100199', '+5550100199']],
    ['tel:+1-555-010-0199;ext=12', ['15550100199', '+5550100199']],
    ['+1 555 010 0199 ext. 12', ['15550100199', '+5550100199']],
    ['+1 555 010 0199 x12', ['15550100199', '+5550100199']],
    ['Fax: +15550100199.', ['15550100199', '+5550100199']],
    ['Tel. 0049/30/1234567', ['49301234567', '+301234567']],
    ['Tel. 030/1234567', ['0301234567', '301234567']],
    ['+44 (0)20 7946 0958', ['442079460958', '+2079460958']],
    ['020 7946 0958', ['02079460958', '2079460958']],
    ['Tel. 0044 20 7946 0958', ['442079460958', '+2079460958']],
    ['Tel. 001-555-010-0199', ['15550100199', '+5550100199']],
    // Against the letters of a script written without spaces, as every reader reads an id there.
    ['電話+81 3-1234-5678です', ['81312345678', '+312345678']],
    ['Tél. +33\u202f1\u202f23\u202f45\u202f67\u202f89', ['33123456789', '+123456789']],
    // Another dash between groups reads as `-`: an en dash, a figure dash, a non-breaking hyphen, a minus sign.
    ['call +1 555\u2013010\u20130199', ['15550100199', '+5550100199']],
    ['call +1 (555) 010\u20120199', ['15550100199', '+5550100199']],
    ['call 555\u2013010\u20130199 today', ['5550100199']],
    ['call 555 010\u20110199 today', ['5550100199']],
    ['call 020\u20147946\u20140958', ['02079460958', '2079460958']],
    ['call +44\u221220\u22127946\u22120958', ['442079460958', '+2079460958']],
  ])('%s', (text, forms) => {
    expect(inText(text)).toEqual(forms);
  });

  it('leaves a number in groups without a mark to the group reader, and reads no date, version, amount or list item', () => {
    expect(inText('555.010.0199, 555-010-0199 and 555 010 0199')).toEqual([]);
    // A range with an en dash is two groups, not a phone; nor is a phone glued to a word by one.
    expect(inText('in 1990\u20132000, pages 1200\u20131350, scores 3\u20131, 2019\u20132024')).toEqual([]);
    expect(inText('ref\u2013555\u2013010\u20130199x')).toEqual([]);
    expect(inText('due 05/01/2024 10:30, on 01.05.2024, (12) 2024-05-01, (2) 2024 items')).toEqual([]);
    expect(inText('v0.9.1, 10.0.0.1, a change of +1,234.56, +12.5%, 1/2 cup, 16/9')).toEqual([]);
    expect(inText('ord_+1 (555) 010-0199x and +1 (555) 010-0199abc')).toEqual([]);
    expect(inText('télé+1 (555) 010-0199 and nº(555) 010-0199 and ١٢+1 (555) 010-0199')).toEqual([]);
  });

  it('reads long hostile runs of digits, separators and parentheses in linear time', () => {
    const started = performance.now();
    expect(inText(`+${'1 '.repeat(200_000)}x ${'(12)'.repeat(100_000)} ${'0/'.repeat(200_000)}`)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('phoneNumberOf: a value that is one phone number, as a call names it', () => {
  it.each<[string, string[]]>([
    ['15550100199', ['15550100199', '5550100199']],
    ['+15550100199', ['15550100199', '+5550100199']],
    ['+1 (555) 010-0199', ['15550100199', '+5550100199']],
    ['(555) 010-0199', ['5550100199']],
    ['555-010-0199', ['5550100199']],
    ['555.010.0199', ['5550100199']],
    ['tel:+1-555-010-0199', ['15550100199', '+5550100199']],
    ['TEL:+1-555-010-0199;phone-context=example.test', ['15550100199', '+5550100199']],
    ['+1 555 010 0199 ext. 12', ['15550100199', '+5550100199']],
    ['+1 555 010 0199 x12', ['15550100199', '+5550100199']],
    ['+1-555-010-0199;ext=12', ['15550100199', '+5550100199']],
    ['0049/30/1234567', ['49301234567', '+301234567']],
    ['+49 30 1234567', ['49301234567', '+301234567']],
    ['020 7946 0958', ['02079460958', '2079460958']],
    ['+442079460958', ['442079460958', '+2079460958']],
    ['+4930 1234567', ['49301234567', '+301234567']],
    ['+353 1 234 5678', ['35312345678', '+12345678']],
    ['+7 495 123-45-67', ['74951234567', '+4951234567']],
    ['+33\u202f1\u202f23\u202f45\u202f67\u202f89', ['33123456789', '+123456789']],
    ['+1 555\u2013010\u20130199', ['15550100199', '+5550100199']],
    ['555\u2013010\u20130199', ['5550100199']],
    ['(555) 010\u22120199', ['5550100199']],
  ])('%s', (value, forms) => {
    expect(phoneNumberOf(value)).toEqual(forms);
  });

  it.each(['12/31/2024', '2024-05-01', '100-200', '100\u2013200', '1-10', '123456', 'ACC-99812', '0x1234', 'call 555 010 0199', '+1 555 010 0199 and more', '1234567890123456'])('%s is none', (value) => {
    expect(phoneNumberOf(value)).toBeUndefined();
  });

  it('meets content whichever way either side writes the number', () => {
    // A call's number against a writing in content: its token, its forms or (when neither was seen) its national forms.
    const meets = (content: string, call: string) => {
      const { token, forms, national } = phoneDestinationOf(call)!;
      return phoneNumberOf(content)!.some((form) => form === token || forms.includes(form) || form === national?.digits);
    };
    for (const [a, b] of [['+442079460958', '020 7946 0958'], ['+44 20 7946 0958', '02079460958'], ['00353 1 234 5678', '01 234 5678'], ['020 7946 0958', '+442079460958']] as const) {
      expect({ a, b, shared: meets(a, b) }).toEqual({ a, b, shared: true });
    }
    const writings = ['+1 (555) 010-0199', '(555) 010-0199', '15550100199', '+15550100199', '555-010-0199', 'tel:+1-555-010-0199', '+1 555 010 0199 ext. 12'];
    for (const a of writings) {
      for (const b of writings) expect({ a, b, shared: meets(a, b) }).toEqual({ a, b, shared: true });
    }
    expect(phoneForms('+1 (555) 010-0199')).toEqual(phoneNumberOf('tel:+1-555-010-0199'));
  });
});

describe('phoneDestinationOf: what vouches for a number a call passes, and what taints it', () => {
  it.each<[string, PhoneDestination]>([
    // With a country code: that number in that country; its national digits as `NationalNumber` says.
    ['+44 555 010 0199', { token: '445550100199', forms: [], national: { digits: '5550100199', placed: '+5550100199', first: false } }],
    ['+44 (0)20 7946 0958', { token: '442079460958', forms: [], national: { digits: '2079460958', placed: '+2079460958', first: false } }],
    // Under `+1`, a North American national number written without a country is the same number first.
    ['+1 555 010 0199', { token: '15550100199', forms: [], national: { digits: '5550100199', placed: '+5550100199', first: true } }],
    ['+1 055 010 0199', { token: '10550100199', forms: [], national: { digits: '0550100199', placed: '+0550100199', first: false } }],
    // Without one: any writing of its national digits, with a country code or without.
    ['555-010-0199', { token: '5550100199', forms: ['+5550100199'] }],
    ['1 555 010 0199', { token: '15550100199', forms: ['5550100199', '+5550100199'] }],
    ['020 7946 0958', { token: '02079460958', forms: ['2079460958', '+2079460958'] }],
  ])('%s', (value, destination) => {
    expect(phoneDestinationOf(value)).toEqual(destination);
  });

  it('reads what phoneNumberOf reads and nothing else', () => {
    for (const value of ['12/31/2024', '100-200', 'call 555 010 0199', '+1 555 010 0199 and more']) expect(phoneDestinationOf(value)).toBeUndefined();
  });
});
