/**
 * An email address whose domain is internationalized (IDNA): written in Unicode (`eve@пример.рф`) or as
 * its punycode (`eve@xn--e1afmkfd.xn--p1ai`). Both are one mailbox (mail goes to the ASCII form), and
 * content writes either, so a call's address is checked under both: the one it wrote and the other
 * (`idnCounterpart`). Node's `url.domainToASCII` and `domainToUnicode` do the IDNA (UTS #46) mapping.
 */
import { domainToASCII, domainToUnicode } from 'node:url';

/** A label in punycode: `xn--` then what ASCII letters, digits and `-` encode. */
const PUNYCODE_LABEL = /(?:^|\.)xn--/i;

/**
 * The other form of an address with an internationalized domain, lower case (`eve@пример.рф` for
 * `eve@xn--e1afmkfd.xn--p1ai` and back), or `undefined` when its domain is plain ASCII or no valid IDN.
 * Only the domain changes: a local part is the mailbox's own, in whichever script it is written.
 */
export function idnCounterpart(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0) return undefined;
  const domain = address.slice(at + 1);
  let other: string;
  if (hasNonAscii(domain)) other = domainToASCII(domain);
  else if (PUNYCODE_LABEL.test(domain)) other = domainToUnicode(domain);
  else return undefined;
  // An invalid IDN maps to the empty string (or, back, to what it was): no other form.
  if (other === '' || other.toLowerCase() === domain.toLowerCase()) return undefined;
  return `${address.slice(0, at)}@${other}`.toLowerCase();
}

/** The ASCII form of a domain written in Unicode (`xn--e1afmkfd.xn--p1ai` for `пример.рф`), `''` when it is no valid IDN. */
export function asciiDomain(domain: string): string {
  return hasNonAscii(domain) ? domainToASCII(domain) : domain;
}

function hasNonAscii(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) >= 128) return true;
  return false;
}
