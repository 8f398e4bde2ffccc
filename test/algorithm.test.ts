// The algorithm rule (src/algorithm.ts): exact spellings for options, lenient ones only for foreign text.
import { describe, expect, it } from 'vitest';
import { algorithmOption, isAlgorithm, parseAlgorithmName } from '../src/algorithm.js';
import { expectError } from './support/expect-error.js';

describe('algorithmOption', () => {
  it('takes the three exact names and defaults to SHA1', () => {
    for (const name of ['SHA1', 'SHA256', 'SHA512'] as const) expect(algorithmOption(name)).toBe(name);
    expect(algorithmOption(undefined)).toBe('SHA1');
  });

  it.each(['sha1', 'SHA-1', 'SHA224', 'MD5', '', null, 1])('refuses %j with INVALID_OPTION naming the field', (value) => {
    const e = expectError(() => algorithmOption(value, 'totp.algorithm'), 'INVALID_OPTION', 'totp.algorithm');
    expect(e.message).toContain("'SHA1', 'SHA256' or 'SHA512'");
  });
});

describe('parseAlgorithmName (URIs and the command line)', () => {
  it.each([
    ['SHA1', 'SHA1'], ['sha1', 'SHA1'], ['SHA-1', 'SHA1'], [' sha-256 ', 'SHA256'], ['Sha512', 'SHA512'], ['sha-512', 'SHA512'],
  ])('%j is %s', (text, expected) => {
    expect(parseAlgorithmName(text)).toBe(expected);
  });

  it.each(['', 'MD5', 'SHA224', 'SHA--1', 'SHA 1', 'SHA3-256'])('%j is not an algorithm', (text) => {
    expect(parseAlgorithmName(text)).toBeUndefined();
  });
});

describe('isAlgorithm', () => {
  it('is true for the exact names only', () => {
    expect(['SHA1', 'SHA256', 'SHA512'].every(isAlgorithm)).toBe(true);
    expect([undefined, 'sha1', 'SHA-1', {}].some(isAlgorithm)).toBe(false);
  });
});
