import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { domainFromWebsite } from './website.js';

describe('domainFromWebsite (docs/mapping.md#websites-and-domains)', () => {
  it.each([
    ['https://www.initech.com/about', 'initech.com'],
    ['initech.com', 'initech.com'],
    ['http://user@Sub.Example.co.uk:8080', 'sub.example.co.uk'],
    ['https://user:secret@initech.com:443/x?y#z', 'initech.com'],
    ['HTTPS://Initech.COM', 'initech.com'],
    ['Http://initech.com', 'initech.com'],
    ['www.initech.com', 'initech.com'],
    ['Initech.COM', 'initech.com'],
    ['  https://initech.com  ', 'initech.com'],
    ['https://initech.com?ref=ad', 'initech.com'],
    ['https://initech.com#top', 'initech.com'],
    ['https://initech.com:/', 'initech.com'],
    ['http://www.www.initech.com', 'www.initech.com'], // one www. only
    ['http://www.com', 'www.com'], // www.com is a domain, not the www of com
    ['http://192.168.0.1', '192.168.0.1'],
    ['https://bücher.de', 'bücher.de'],
    ['Пример.рф', 'пример.рф'], // Cyrillic letters
    ['例え.テスト', '例え.テスト'], // CJK and kana
    ['हिन्दी.com', 'हिन्दी.com'], // Devanagari with its combining vowel signs (category M)
    ['xn--bcher-kva.de', 'xn--bcher-kva.de'], // punycode is plain ASCII
    ['a-1.b-2.com', 'a-1.b-2.com'],
  ])('%j → %j', (website, domain) => {
    expect(domainFromWebsite(website)).toEqual({ ok: true, domain });
  });

  it.each<[unknown, RegExp]>([
    ['initech', /^no dot in the host name/],
    ['https://localhost', /^no dot in the host name/],
    ['https://localhost:3000/x', /^no dot in the host name/],
    ['ftp://initech.com', /ftp: URL, not http or https/],
    ['initech.com/about', /not a host name/],
    ['initech.com:8080', /not a host name/],
    ['//initech.com', /not a host name/],
    ['mailto:sales@initech.com', /not a host name/],
    ['https://', /^no host name$/],
    ['https:///about', /^no host name$/],
    ['http://initech.com:abc', /invalid port/],
    ['https://ini tech.com', /^white space in the host name$/],
    ['ini tech.com', /^white space in the host name$/],
    ['exa mple.com', /^white space in the host name$/],
    ['https://initech..com', /^an empty label in the host name/],
    ['a..b.com', /^an empty label in the host name/],
    ['example.com.', /^an empty label in the host name/],
    ['.example.com', /^an empty label in the host name/],
    ['exa_mple.com', /^the character "_" \(U\+005F\) in the host name/],
    ['exa\u200bmple.com', /^the invisible character U\+200B in the host name/],
    ['exa\u00admple.com', /^the invisible character U\+00AD in the host name/],
    ['pri€e.com', /^the character "€" \(U\+20AC\)/],
    ['brand™.com', /^the character "™" \(U\+2122\)/],
    ['long—dash.com', /^the character "—" \(U\+2014\)/],
    ['party🎉.com', /^the character "🎉" \(U\+1F389\)/],
    ['', /^no host name$/],
    [42, /not a string/],
    [{ url: 'https://initech.com' }, /not a string/],
  ])('%j is invalid (%s)', (website, reason) => {
    const result = domainFromWebsite(website);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe('domainFromWebsite on open-ended hosts', () => {
  const allowed = fc.constantFrom(...'abcxyz0129-', 'ü', 'é', 'п', 'я', '例', 'テ', 'ह', '\u093f' /* a combining vowel sign */);
  const label = fc.array(allowed, { minLength: 1, maxLength: 8 }).map((chars) => chars.join(''));
  const host = fc.array(label, { minLength: 2, maxLength: 4 }).map((labels) => labels.join('.'));
  // Anything but letters, marks, ASCII digits and `-`: symbols, punctuation, invisible format
  // characters, other digits, white space.
  const forbidden = fc.constantFrom('_', '€', '™', '—', '🎉', '\u200b', '\u00ad', '\u2060', '٣', '!', '~', '\u00a0');

  it('a host of letters and marks of any script, ASCII digits and - is its own domain', () => {
    fc.assert(fc.property(host, (name) => {
      const result = domainFromWebsite(`https://${name}/path`);
      expect(result).toEqual({ ok: true, domain: name.startsWith('www.') && name.includes('.', 4) ? name.slice(4) : name });
    }));
  });

  it('one character outside those makes it INVALID_WEBSITE, naming that character', () => {
    fc.assert(fc.property(host, forbidden, fc.nat(), (name, character, at) => {
      // Inside the host: white space at either end is trimmed off the website as a whole.
      const index = 1 + (at % (name.length - 1));
      const result = domainFromWebsite(`${name.slice(0, index)}${character}${name.slice(index)}`);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/ in the host name/);
    }));
  });
});
