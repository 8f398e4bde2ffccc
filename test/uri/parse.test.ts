// parseOtpauthUri (src/uri-parse.ts): our own URIs, URIs from the npm package `otpauth` and from real
// services, a rejection table, and hostile input that must fail fast.
import fc from 'fast-check';
import * as OTPAuth from 'otpauth';
import { describe, expect, it } from 'vitest';
import { TwoFactorError, type TwoFactorErrorCode } from '../../src/errors.js';
import { decodeBase32, encodeBase32 } from '../../src/base32.js';
import { generateHotp, generateTotp } from '../../src/index.js';
import { MAX_OTPAUTH_URI_CHARS, type OtpauthParams } from '../../src/uri/params.js';
import { buildOtpauthUri } from '../../src/uri/build.js';
import { parseOtpauthUri } from '../../src/uri/parse.js';
import { fastestMs } from '../support/timing.js';
import { KEY, KEY_BYTES, labelPart, MAX_COUNTER } from '../support/otpauth.js';
import { thrown } from '../support/expect-error.js';


describe('parseOtpauthUri: our own URIs and the contract shape', () => {
  it('reads the Google example into the documented shape with defaults filled in', () => {
    const parsed = parseOtpauthUri('otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example');
    expect(parsed).toEqual({
      type: 'totp', secret: KEY_BYTES, accountName: 'alice@google.com', issuer: 'Example',
      algorithm: 'SHA1', digits: 6, period: 30,
    });
    expect(parsed.secret).toBeInstanceOf(Uint8Array);
  });

  it('returns hotp counters as numbers when safe and as bigints above 2^53−1; no period for hotp', () => {
    const small = parseOtpauthUri('otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=9007199254740991');
    expect(small).toEqual({ type: 'hotp', secret: KEY_BYTES, accountName: 'a', algorithm: 'SHA1', digits: 6, counter: 9007199254740991 });
    expect(parseOtpauthUri('otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=9007199254740992').counter).toBe(9007199254740992n);
    expect(parseOtpauthUri('otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551615').counter).toBe(MAX_COUNTER);
  });

  it('reads back every exact string the builder writes', () => {
    const params = { type: 'totp', secret: KEY, accountName: 'a:b @c', issuer: 'My:Co', algorithm: 'SHA512', digits: 8, period: 45,
      image: 'https://example.com/logo.png?size=64' } as const;
    expect(parseOtpauthUri(buildOtpauthUri(params))).toEqual({ ...params, secret: KEY_BYTES });
  });

  it('keeps an issuer-less account with a colon whole (the builder writes a%3Ab)', () => {
    expect(parseOtpauthUri(buildOtpauthUri({ type: 'totp', secret: KEY, accountName: 'a:b' }))).toEqual({
      type: 'totp', secret: KEY_BYTES, accountName: 'a:b', algorithm: 'SHA1', digits: 6, period: 30,
    });
  });

  it('a parsed URI generates the same codes as its source parameters', () => {
    const uri = buildOtpauthUri({ type: 'totp', secret: KEY, accountName: 'a', algorithm: 'SHA256', digits: 8, period: 60 });
    const p = parseOtpauthUri(uri);
    const now = 1_700_000_000_000;
    expect(generateTotp(p.secret, { algorithm: p.algorithm, digits: p.digits, period: p.period, now }))
      .toBe(generateTotp(KEY, { algorithm: 'SHA256', digits: 8, period: 60, now }));
    const h = parseOtpauthUri(buildOtpauthUri({ type: 'hotp', secret: KEY, accountName: 'a', counter: 7 }));
    expect(generateHotp(h.secret, h.counter!)).toBe(generateHotp(KEY, 7));
  });
});

describe('URIs from the npm package otpauth 9.5.2', () => {
  // otpauth always writes algorithm, digits and period, and encodes with encodeURIComponent (so ! ' ( ) * stay
  // literal). Its own parser splits the label on the first ':' or '%3A', so it misreads an issuer containing a
  // colon that it wrote itself (`My%3ACo:alice`); rule 1/2 of ours reads it right.
  const expectSame = (otp: OTPAuth.TOTP | OTPAuth.HOTP, parsed: OtpauthParams) => {
    expect(parsed.secret).toEqual(new Uint8Array(otp.secret.bytes));
    expect(parsed.accountName).toBe(otp.label);
    expect(parsed.issuer).toBe(otp.issuer === '' ? undefined : otp.issuer);
    expect(parsed.algorithm).toBe(otp.algorithm);
    expect(parsed.digits).toBe(otp.digits);
    if (otp instanceof OTPAuth.TOTP) {
      expect(parsed.type).toBe('totp');
      expect(parsed.period).toBe(otp.period);
    } else {
      expect(parsed.type).toBe('hotp');
      expect(parsed.counter).toBe(otp.counter);
    }
  };

  it.each([
    ['totp, issuer in label', () => new OTPAuth.TOTP({ issuer: 'ACME', label: 'alice@example.com', secret: KEY })],
    ['totp, issuer with a colon and spaces', () => new OTPAuth.TOTP({ issuer: 'My: Co', label: 'alice smith', secret: KEY })],
    ['totp, issuer parameter only', () => new OTPAuth.TOTP({ issuer: 'ACME', label: 'alice', issuerInLabel: false, secret: KEY })],
    ['totp, no issuer', () => new OTPAuth.TOTP({ label: 'alice', secret: KEY })],
    ['totp SHA256 8 digits 60 s', () => new OTPAuth.TOTP({ issuer: 'I', label: 'a', algorithm: 'SHA256', digits: 8, period: 60, secret: KEY })],
    ['totp SHA512 10 digits 15 s', () => new OTPAuth.TOTP({ label: 'a', algorithm: 'SHA512', digits: 10, period: 15, secret: KEY })],
    ['hotp counter 0', () => new OTPAuth.HOTP({ issuer: 'ACME', label: 'alice', counter: 0, secret: KEY })],
    ['hotp counter 12345, SHA256, parameter-only issuer', () =>
      new OTPAuth.HOTP({ issuer: 'ACME', label: 'bob', issuerInLabel: false, counter: 12345, algorithm: 'SHA256', secret: KEY })],
    ['non-ASCII and emoji', () => new OTPAuth.TOTP({ issuer: 'Café ☕', label: 'Jürgen 🔐', secret: KEY })],
  ])('%s', (_name, make) => {
    const otp = make();
    expectSame(otp, parseOtpauthUri(otp.toString()));
  });

  it('any issuer and label, issuer in the label or not (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.record({
          issuer: fc.option(labelPart, { nil: undefined }),
          label: labelPart,
          issuerInLabel: fc.boolean(),
          algorithm: fc.constantFrom('SHA1', 'SHA256', 'SHA512'),
          digits: fc.integer({ min: 6, max: 10 }),
          period: fc.integer({ min: 1, max: 3600 }),
          counter: fc.option(fc.maxSafeNat(), { nil: undefined }),
          secret: fc.uint8Array({ minLength: 1, maxLength: 40 }),
        }),
        ({ issuer, label, issuerInLabel, algorithm, digits, period, counter, secret }) => {
          // With the issuer only in the parameter, an account containing ':' is indistinguishable from a
          // Microsoft-style `Company%3Aaccount` label (rule 3); the Key Uri Format forbids that colon anyway.
          fc.pre(issuerInLabel || issuer === undefined || !label.includes(':'));
          const common = { issuer, label, issuerInLabel, algorithm, digits, secret: new OTPAuth.Secret({ buffer: secret.slice().buffer }) };
          const otp = counter === undefined ? new OTPAuth.TOTP({ ...common, period }) : new OTPAuth.HOTP({ ...common, counter });
          expectSame(otp, parseOtpauthUri(otp.toString()));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('otpauth reads our URIs back to the same parameters (colon-free parts, see its splitting bug)', () => {
    fc.assert(
      fc.property(labelPart.filter((s) => !s.includes(':') && !/%3a/i.test(s)), fc.option(labelPart.filter((s) => !s.includes(':') && !/%3a/i.test(s)), { nil: undefined }),
        fc.uint8Array({ minLength: 1, maxLength: 40 }), (accountName, issuer, secret) => {
          const otp = OTPAuth.URI.parse(buildOtpauthUri({ type: 'totp', secret, accountName, issuer, digits: 8 }));
          expect(otp).toBeInstanceOf(OTPAuth.TOTP);
          expect(otp.label).toBe(accountName);
          expect(otp.issuer).toBe(issuer ?? '');
          expect(new Uint8Array(otp.secret.bytes)).toEqual(secret);
          expect(otp.digits).toBe(8);
        }),
      { numRuns: 300 },
    );
  });
});

describe('parseOtpauthUri: foreign forms', () => {
  const D = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
  const cases: [string, string, Partial<OtpauthParams>][] = [
    ['Google example', 'otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example',
      { accountName: 'alice@google.com', issuer: 'Example' }],
    ['Google example without the issuer parameter (label issuer only)', 'otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP',
      { accountName: 'alice@google.com', issuer: 'Example' }],
    ['issuer parameter only', 'otpauth://totp/alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example',
      { accountName: 'alice@google.com', issuer: 'Example' }],
    ['no issuer at all', 'otpauth://totp/alice@google.com?secret=JBSWY3DPEHPK3PXP', { accountName: 'alice@google.com' }],
    ['upper-case scheme, type and parameter names', 'OTPAUTH://TOTP/Example:alice?SECRET=JBSWY3DPEHPK3PXP&Issuer=Example&DIGITS=8&Period=60',
      { accountName: 'alice', issuer: 'Example', digits: 8, period: 60 }],
    ['ALGORITHM=sha-256', 'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&ALGORITHM=sha-256', { accountName: 'a', algorithm: 'SHA256' }],
    ['algorithm=sha1', 'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=sha1', { accountName: 'a', algorithm: 'SHA1' }],
    ['algorithm=SHA-512', 'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=SHA-512', { accountName: 'a', algorithm: 'SHA512' }],
    ['padded lower-case secret', 'otpauth://totp/a?secret=jbswy3dpee%3D%3D%3D%3D%3D%3D', { accountName: 'a', secret: decodeBase32('JBSWY3DPEE') }],
    ['literal padding and spaced secret', 'otpauth://totp/a?secret=jbsw%20y3dp+ee======', { accountName: 'a', secret: decodeBase32('JBSWY3DPEE') }],
    ['encoded separator and %20 matching the issuer parameter', 'otpauth://totp/Issuer%3A%20alice?secret=JBSWY3DPEHPK3PXP&issuer=Issuer',
      { accountName: 'alice', issuer: 'Issuer' }],
    ['literal separator followed by %20s (label ABNF *"%20")', 'otpauth://totp/Issuer:%20%20alice?secret=JBSWY3DPEHPK3PXP',
      { accountName: 'alice', issuer: 'Issuer' }],
    ['a literal space after the separator (Authy exports)', 'otpauth://totp/Cloudflare: user@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Cloudflare',
      { accountName: 'user@example.com', issuer: 'Cloudflare' }],
    ['encoded separator without an issuer parameter stays one account (rule 4)', 'otpauth://totp/Issuer%3A%20alice?secret=JBSWY3DPEHPK3PXP',
      { accountName: 'Issuer: alice' }],
    ['Microsoft 365: label company, issuer parameter Microsoft (parameter wins)',
      'otpauth://totp/CompanyName%3Ait377%40ubiinc.onmicrosoft.com?secret=JBSWY3DPEHPK3PXP&issuer=Microsoft',
      { accountName: 'it377@ubiinc.onmicrosoft.com', issuer: 'Microsoft' }],
    ['Microsoft 365 with a lower-case %3a and a + in the label',
      'otpauth://totp/Some+Company%3ame%40somecompany.net?secret=JBSWY3DPEHPK3PXP&issuer=Microsoft',
      { accountName: 'me@somecompany.net', issuer: 'Microsoft' }],
    ['disagreeing literal label issuer (parameter wins, no error)', 'otpauth://totp/Issuer1:foo@bar.com?algorithm=SHA1&digits=6&issuer=Microsoft&period=60&secret=JBSWY3DPEHPK3PXP',
      { accountName: 'foo@bar.com', issuer: 'Microsoft', period: 60 }],
    ['otplib v13: issuer colon left unencoded, matched via the issuer parameter', 'otpauth://totp/My:Co:alice?secret=JBSWY3DPEHPK3PXP&issuer=My%3ACo',
      { accountName: 'alice', issuer: 'My:Co' }],
    ['URLSearchParams-style + for a space in the issuer parameter', 'otpauth://totp/My%20Bank:alice?secret=JBSWY3DPEHPK3PXP&issuer=My+Bank',
      { accountName: 'alice', issuer: 'My Bank' }],
    ['a + in the label is a plus (RFC 3986 path)', 'otpauth://totp/alice+2fa@example.com?secret=JBSWY3DPEHPK3PXP', { accountName: 'alice+2fa@example.com' }],
    ['non-ASCII labels in UTF-8 percent-encoding', 'otpauth://totp/Caf%C3%A9:J%C3%BCrgen%20%F0%9F%94%90?secret=JBSWY3DPEHPK3PXP&issuer=Caf%C3%A9',
      { accountName: 'Jürgen 🔐', issuer: 'Café' }],
    ['raw non-ASCII (as a QR decoder may return it)', 'otpauth://totp/Café:Jürgen?secret=JBSWY3DPEHPK3PXP', { accountName: 'Jürgen', issuer: 'Café' }],
    ['unknown parameters are ignored', 'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&foo=bar&lock=true&color=%ZZ', { accountName: 'a' }],
    ['empty pairs and an empty issuer parameter are ignored', 'otpauth://totp/a?&secret=JBSWY3DPEHPK3PXP&&issuer=', { accountName: 'a' }],
    ['a fragment is not part of the key', 'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP#issuer=X', { accountName: 'a' }],
    ['surrounding white space (a scanned line)', '  otpauth://totp/a?secret=JBSWY3DPEHPK3PXP\n', { accountName: 'a' }],
    ['a valid image is returned', 'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&image=https%3A%2F%2Fexample.com%2Fl.png',
      { accountName: 'a', image: 'https://example.com/l.png' }],
    ['an invalid image is dropped, not fatal', 'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&image=l.png', { accountName: 'a' }],
    ['digits with a leading zero', 'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=08', { accountName: 'a', digits: 8 }],
    ['period and counter where they do not apply are ignored', 'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&counter=x', { accountName: 'a' }],
  ];
  it.each(cases)('%s', (_name, uri, expected) => {
    const parsed = parseOtpauthUri(uri);
    expect(parsed).toEqual({ type: 'totp', secret: KEY_BYTES, ...D, ...expected });
  });

  it('hotp ignores a period parameter and fills algorithm and digits', () => {
    expect(parseOtpauthUri('otpauth://HOTP/a?secret=JBSWY3DPEHPK3PXP&counter=5&period=0')).toEqual({
      type: 'hotp', secret: KEY_BYTES, accountName: 'a', algorithm: 'SHA1', digits: 6, counter: 5,
    });
  });
});

describe('parseOtpauthUri: rejections', () => {
  const ok = 'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP';
  const cases: [string, unknown, TwoFactorErrorCode, string][] = [
    ['not a string', 42, 'INVALID_URI', '"uri" must be a string, got 42'],
    ['over the length cap', `${ok}&x=${'a'.repeat(MAX_OTPAUTH_URI_CHARS)}`, 'INVALID_URI', '"uri" must be at most 4096 characters'],
    ['wrong scheme', 'https://totp/a?secret=JBSWY3DPEHPK3PXP', 'INVALID_URI', '"uri" must be an otpauth:// URI'],
    ['scheme without //', 'otpauth:totp/a?secret=JBSWY3DPEHPK3PXP', 'INVALID_URI', '"uri" must be an otpauth:// URI'],
    ['empty', '', 'INVALID_URI', '"uri" must be an otpauth:// URI'],
    ['no label slash', 'otpauth://totp?secret=JBSWY3DPEHPK3PXP', 'INVALID_URI', '"uri" must be of the form otpauth://TYPE/LABEL?PARAMETERS'],
    ['wrong type', 'otpauth://motp/a?secret=JBSWY3DPEHPK3PXP', 'INVALID_URI', '"type" must be \'totp\' or \'hotp\''],
    ['empty label', 'otpauth://totp/?secret=JBSWY3DPEHPK3PXP', 'INVALID_URI', '"accountName" must be non-empty'],
    ['issuer but no account', 'otpauth://totp/Acme:?secret=JBSWY3DPEHPK3PXP&issuer=Acme', 'INVALID_URI', '"accountName" must be non-empty'],
    ['account with a control character', 'otpauth://totp/a%0Ab?secret=JBSWY3DPEHPK3PXP', 'INVALID_URI', '"accountName" must be free of control characters'],
    ['account over 256 characters', `otpauth://totp/${'a'.repeat(257)}?secret=JBSWY3DPEHPK3PXP`, 'INVALID_URI', '"accountName" must be at most 256'],
    ['issuer over 256 characters', `${ok}&issuer=${'i'.repeat(257)}`, 'INVALID_URI', '"issuer" must be at most 256'],
    ['invalid percent-encoding in the label', 'otpauth://totp/a%ZZb?secret=JBSWY3DPEHPK3PXP', 'INVALID_URI', '"label" must be valid percent-encoded UTF-8'],
    ['truncated percent-encoding', 'otpauth://totp/a%E?secret=JBSWY3DPEHPK3PXP', 'INVALID_URI', '"label" must be valid percent-encoded UTF-8'],
    ['percent-encoded invalid UTF-8', 'otpauth://totp/a%C3%28?secret=JBSWY3DPEHPK3PXP', 'INVALID_URI', '"label" must be valid percent-encoded UTF-8'],
    ['percent-encoded surrogate', 'otpauth://totp/a%ED%A0%80?secret=JBSWY3DPEHPK3PXP', 'INVALID_URI', '"label" must be valid percent-encoded UTF-8'],
    ['a raw lone surrogate', 'otpauth://totp/a\uD800?secret=JBSWY3DPEHPK3PXP', 'INVALID_URI', '"uri" must be well-formed text'],
    ['invalid percent-encoding in a parameter', 'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&issuer=%E2%82', 'INVALID_URI', '"issuer" must be valid percent-encoded UTF-8'],
    ['missing secret', 'otpauth://totp/a?issuer=X', 'INVALID_URI', '"secret" must be present (the Key Uri Format requires it), got none'],
    ['no query at all', 'otpauth://totp/a', 'INVALID_URI', '"secret" must be present'],
    ['empty secret', 'otpauth://totp/a?secret=', 'INVALID_SECRET', '"secret" must be non-empty'],
    ['secret not base32', 'otpauth://totp/a?secret=JBSWY3DPEHPK3PX1', 'INVALID_SECRET', '"secret" must be base32'],
    ['secret of an impossible length', 'otpauth://totp/a?secret=JBSWY3DPE', 'INVALID_SECRET', '"secret" must be base32 of a valid length'],
    ['duplicate secret (first-wins vs last-wins readers disagree)', `${ok}&secret=GEZDGNBVGY3TQOJQ`, 'INVALID_URI', '"secret" must be given once (a repeated parameter is ambiguous), got it twice'],
    ['duplicate issuer in another case', `${ok}&issuer=A&ISSUER=B`, 'INVALID_URI', '"issuer" must be given once'],
    ['unknown algorithm', `${ok}&algorithm=MD5`, 'INVALID_URI', "\"algorithm\" must be 'SHA1', 'SHA256' or 'SHA512'"],
    ['algorithm SHA224', `${ok}&algorithm=SHA224`, 'INVALID_URI', "\"algorithm\" must be 'SHA1', 'SHA256' or 'SHA512'"],
    ['digits 5', `${ok}&digits=5`, 'INVALID_URI', '"digits" must be an integer 6–10, got 5'],
    ['digits 11', `${ok}&digits=11`, 'INVALID_URI', '"digits" must be an integer 6–10, got 11'],
    ['digits not an integer', `${ok}&digits=6.5`, 'INVALID_URI', '"digits" must be an integer 6–10'],
    ['digits with a sign', `${ok}&digits=%2B6`, 'INVALID_URI', '"digits" must be an integer 6–10'],
    ['digits empty', `${ok}&digits=`, 'INVALID_URI', '"digits" must be an integer 6–10'],
    ['digits in exponent form', `${ok}&digits=6e0`, 'INVALID_URI', '"digits" must be an integer 6–10'],
    ['period 0', `${ok}&period=0`, 'INVALID_URI', '"period" must be an integer 1–4294967295, got 0'],
    ['period negative', `${ok}&period=-30`, 'INVALID_URI', '"period" must be an integer 1–'],
    ['period above 2^32−1', `${ok}&period=4294967296`, 'INVALID_URI', '"period" must be an integer 1–'],
    ['period huge', `${ok}&period=${'9'.repeat(400)}`, 'INVALID_URI', '"period" must be an integer 1–'],
    ['hotp without counter', 'otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP', 'INVALID_URI', '"counter" must be present for \'hotp\''],
    ['hotp counter negative', 'otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=-1', 'INVALID_URI', '"counter" must be an integer 0–2^64−1'],
    ['hotp counter 2^64', 'otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551616', 'INVALID_URI', '"counter" must be an integer 0–2^64−1'],
    ['hotp counter not an integer', 'otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=1.0', 'INVALID_URI', '"counter" must be an integer 0–2^64−1'],
  ];
  it.each(cases)('%s', (_name, uri, code, message) => {
    const error = thrown(() => parseOtpauthUri(uri as string));
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
  });

  it('never puts the secret or the URI text into a message', () => {
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    for (const uri of [`otpauth://totp/a?secret=${secret}&digits=3`, `otpauth://totp/a?secret=${secret}1`, `otpauth://motp/a?secret=${secret}`]) {
      const error = thrown(() => parseOtpauthUri(uri));
      expect(error.message).not.toContain(secret.slice(0, 8));
    }
  });
});

describe('hostile input finishes fast', () => {
  const label = (n: number, unit: string) => unit.repeat(Math.floor(n / unit.length));
  const hostile: [string, string][] = [
    ['1 MB string', 'otpauth://totp/' + 'a'.repeat(1 << 20)],
    ['1 MB of %', '%'.repeat(1 << 20)],
    ['4096 characters of %3A in the label with an issuer parameter', `otpauth://totp/${label(4000, '%3A')}?issuer=x&secret=A`],
    ['colons everywhere', `otpauth://totp/${label(4000, ':')}?secret=JBSWY3DPEHPK3PXP`],
    ['an issuer parameter that almost matches a long label', `otpauth://totp/${label(2000, 'a')}b?issuer=${label(2000, 'a')}&secret=JBSWY3DPEHPK3PXP`],
    ['thousands of parameters', `otpauth://totp/a?${label(4000, 'x=1&')}`],
    ['thousands of empty pairs', `otpauth://totp/a?${label(4000, '&')}`],
    ['padding runs that could backtrack', `otpauth://totp/a?secret=${label(4000, '=')}A`],
    ['alternating padding', `otpauth://totp/a?secret=${label(4000, '=A')}`],
    ['spaces and hyphens', `otpauth://totp/a?secret=${label(4000, ' -')}`],
    ['pluses', `otpauth://totp/a?issuer=${label(4000, '+')}&secret=A`],
    ['broken percent escapes', `otpauth://totp/${label(4000, '%E2%82')}?secret=A`],
    ['a long counter', `otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=${label(4000, '9')}`],
    ['many surrogate pairs', `otpauth://totp/${label(4000, '😀')}?secret=A`],
    ['white space padding to the cap', ' '.repeat(4095)],
  ];
  it.each(hostile)('%s', (_name, uri) => {
    let outcome: unknown;
    const elapsedMs = fastestMs(() => {
      try {
        outcome = parseOtpauthUri(uri);
      } catch (e) {
        outcome = e;
      }
    }, 100);
    expect(outcome).toBeInstanceOf(TwoFactorError);
    expect(elapsedMs).toBeLessThan(100);
  });

  it('a maximal valid URI parses fast too', () => {
    const uri = buildOtpauthUri({ type: 'totp', secret: new Uint8Array(1024), accountName: '%:'.repeat(128), issuer: '😀'.repeat(40) });
    expect(uri.length).toBeGreaterThan(3000);
    const elapsedMs = fastestMs(() => {
      for (let i = 0; i < 100; i++) parseOtpauthUri(uri);
    }, 500);
    expect(elapsedMs / 100).toBeLessThan(5);
  });
});

describe('TSDoc example', () => {
  it('parseOtpauthUri', () => {
    const p = parseOtpauthUri('otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example');
    expect(p).toEqual({ type: 'totp', secret: KEY_BYTES, accountName: 'alice@google.com', issuer: 'Example', algorithm: 'SHA1', digits: 6, period: 30 });
    expect(p.secret.length).toBe(10);
    expect(encodeBase32(p.secret)).toBe(KEY);
  });
});