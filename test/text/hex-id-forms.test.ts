import { describe, expect, it } from 'vitest';
import { canonicalUuid, hashAbbreviations, uuidVariants } from '../../src/text/hex-id-forms.js';

const UUID = '3f2b8c1e-7a6d-4e5f-8a9b-0c1d2e3f4a5b';

describe('hex id forms', () => {
  it('reads a UUID in every usual form as one canonical form, and nothing else as a UUID', () => {
    for (const form of [UUID, UUID.toUpperCase(), UUID.replace(/-/g, ''), `{${UUID}}`, `urn:uuid:${UUID}`, `URN:UUID:${UUID.toUpperCase()}`]) expect(canonicalUuid(form), form).toBe(UUID);
    // Braces unpaired, dashes half there, a digit short, a non-hex letter: no UUID.
    for (const form of [`{${UUID}`, UUID.replace('-', ''), UUID.slice(1), UUID.replace('3f', 'g3'), `urn:${UUID}`]) expect(canonicalUuid(form), form).toBeUndefined();
  });

  it('gives the dashed and bare forms for each other, and none for other tokens', () => {
    expect(uuidVariants(UUID)).toEqual([UUID.replace(/-/g, '')]);
    expect(uuidVariants(UUID.replace(/-/g, ''))).toEqual([UUID]);
    expect(uuidVariants('ord_1001')).toEqual([]);
    expect(uuidVariants('9fceb02d0ae598e95dc970b74767f193')).toEqual(['9fceb02d-0ae5-98e9-5dc9-70b74767f193']);
  });

  it('abbreviates full 40- and 64-digit hashes only, to their first 7 to 12 digits', () => {
    const sha1 = '9fceb02d0ae598e95dc970b74767f19372d61af8';
    expect(hashAbbreviations(sha1)).toEqual([7, 8, 9, 10, 11, 12].map((length) => sha1.slice(0, length)));
    expect(hashAbbreviations(`${sha1}${'a'.repeat(24)}`)).toHaveLength(6);
    expect(hashAbbreviations(sha1.slice(0, 39))).toEqual([]);
    expect(hashAbbreviations(`${sha1.slice(0, 39)}g`)).toEqual([]);
    // A prefix of letters only would read as a word: kept only once a digit is in it.
    expect(hashAbbreviations(`deadbeef${sha1.slice(8)}`)[0]).toBe('deadbeef0');
  });
});
