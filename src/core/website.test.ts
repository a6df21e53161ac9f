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
  ])('%j → %j', (website, domain) => {
    expect(domainFromWebsite(website)).toEqual({ ok: true, domain });
  });

  it.each<[unknown, RegExp]>([
    ['initech', /no host name with a dot/],
    ['https://localhost', /no host name with a dot/],
    ['https://localhost:3000/x', /no host name with a dot/],
    ['ftp://initech.com', /ftp: URL, not http or https/],
    ['initech.com/about', /not a host name/],
    ['initech.com:8080', /not a host name/],
    ['//initech.com', /not a host name/],
    ['mailto:sales@initech.com', /not a host name/],
    ['https://', /no host name/],
    ['https:///about', /no host name/],
    ['http://initech.com:abc', /invalid port/],
    ['https://ini tech.com', /no host name/],
    ['ini tech.com', /no host name/],
    ['https://initech..com', /no host name/],
    ['', /no host name/],
    [42, /not a string/],
    [{ url: 'https://initech.com' }, /not a string/],
  ])('%j is invalid (%s)', (website, reason) => {
    const result = domainFromWebsite(website);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
