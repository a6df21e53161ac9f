import { describe, expect, it } from 'vitest';
import { normalizeEmail } from './email.js';

describe('normalizeEmail (docs/mapping.md#emails)', () => {
  it.each([
    [' Ada@Example.COM ', 'ada@example.com'],
    ['a.b+tag@sub.example.co.uk', 'a.b+tag@sub.example.co.uk'],
    ['x@y.io', 'x@y.io'],
    [`${'a'.repeat(242)}@example.com`, `${'a'.repeat(242)}@example.com`], // 254 characters
  ])('%j → %j', (value, email) => {
    expect(normalizeEmail(value)).toEqual({ ok: true, email });
  });

  it.each<[unknown, string]>([
    ['adaexample.com', 'no @'],
    ['a@b@example.com', 'more than one @'],
    ['@example.com', 'nothing before the @'],
    ['ada@', 'nothing after the @'],
    ['ada@localhost', 'no dot in the domain'],
    ['ada lovelace@example.com', 'contains white space'],
    ['ada@exa\tmple.com', 'contains white space'],
    ['ada@.com', 'an empty part in the domain'],
    ['ada@example.', 'an empty part in the domain'],
    ['ada@example..com', 'an empty part in the domain'],
    [`${'a'.repeat(243)}@example.com`, 'longer than 254 characters'],
    ['', 'empty'],
    [42, 'not a string'],
    [{ email: 'a@b.co' }, 'not a string'],
  ])('%j is invalid: %s', (value, reason) => {
    expect(normalizeEmail(value)).toEqual({ ok: false, reason });
  });
});
