// buildOtpauthUri (src/uri-build.ts): the exact strings apps scan, rejections naming the field, and
// build → parse round trips for any label characters and parameters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type TwoFactorErrorCode } from '../../src/errors.js';
import { type OtpauthParams } from '../../src/uri/params.js';
import { buildOtpauthUri } from '../../src/uri/build.js';
import { parseOtpauthUri } from '../../src/uri/parse.js';
import { KEY, labelPart, MAX_COUNTER } from '../support/otpauth.js';
import { thrown } from '../support/expect-error.js';

describe('buildOtpauthUri: exact strings', () => {
  const totp = { type: 'totp', secret: KEY } as const;
  it.each([
    ['the TSDoc example', { ...totp, accountName: 'alice@example.com', issuer: 'Acme Co' },
      'otpauth://totp/Acme%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Acme%20Co'],
    ['spaces as %20 in both parts, never +', { ...totp, accountName: 'alice smith', issuer: 'My Bank' },
      'otpauth://totp/My%20Bank:alice%20smith?secret=JBSWY3DPEHPK3PXP&issuer=My%20Bank'],
    ['a colon in the issuer is %3A, only the separator is literal', { ...totp, accountName: 'alice', issuer: 'My:Co' },
      'otpauth://totp/My%3ACo:alice?secret=JBSWY3DPEHPK3PXP&issuer=My%3ACo'],
    ['a colon in the account', { ...totp, accountName: 'a:b', issuer: 'X' },
      'otpauth://totp/X:a%3Ab?secret=JBSWY3DPEHPK3PXP&issuer=X'],
    ['no issuer: the label is the account alone', { ...totp, accountName: 'alice@example.com' },
      'otpauth://totp/alice%40example.com?secret=JBSWY3DPEHPK3PXP'],
    ['defaults given explicitly are still omitted', { ...totp, accountName: 'a', algorithm: 'SHA1', digits: 6, period: 30 },
      'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP'],
    ['non-defaults are written', { ...totp, accountName: 'a', issuer: 'I', algorithm: 'SHA256', digits: 8, period: 60 },
      'otpauth://totp/I:a?secret=JBSWY3DPEHPK3PXP&issuer=I&algorithm=SHA256&digits=8&period=60'],
    ['SHA512 and 10 digits', { ...totp, accountName: 'a', algorithm: 'SHA512', digits: 10 },
      'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=SHA512&digits=10'],
    ['hotp writes its counter', { type: 'hotp', secret: KEY, accountName: 'a', issuer: 'I', counter: 42 },
      'otpauth://hotp/I:a?secret=JBSWY3DPEHPK3PXP&issuer=I&counter=42'],
    ['hotp counter 0', { type: 'hotp', secret: KEY, accountName: 'a', counter: 0 },
      'otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=0'],
    ['hotp counter 2^64−1 as a bigint', { type: 'hotp', secret: KEY, accountName: 'a', counter: MAX_COUNTER },
      'otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551615'],
    ['secret bytes become unpadded upper-case base32', { type: 'totp', secret: new TextEncoder().encode('Hello!'), accountName: 'a' },
      'otpauth://totp/a?secret=JBSWY3DPEE'],
    ['a lower-case, spaced, padded base32 secret is normalised', { type: 'totp', secret: 'jbsw y3dp ee======', accountName: 'a' },
      'otpauth://totp/a?secret=JBSWY3DPEE'],
    ['UTF-8 percent-encoding of non-ASCII and emoji', { ...totp, accountName: 'Jürgen 🔐', issuer: 'Café' },
      'otpauth://totp/Caf%C3%A9:J%C3%BCrgen%20%F0%9F%94%90?secret=JBSWY3DPEHPK3PXP&issuer=Caf%C3%A9'],
    ['only RFC 3986 unreserved characters stay literal', { ...totp, accountName: "a-b.c_d~e!f'g(h)i*j+k/l?m&n#o%p=q" },
      "otpauth://totp/a-b.c_d~e%21f%27g%28h%29i%2Aj%2Bk%2Fl%3Fm%26n%23o%25p%3Dq?secret=JBSWY3DPEHPK3PXP"],
    ['image is percent-encoded as a parameter, last', { ...totp, accountName: 'a', issuer: 'I', image: 'https://example.com/logo.png?size=64' },
      'otpauth://totp/I:a?secret=JBSWY3DPEHPK3PXP&issuer=I&image=https%3A%2F%2Fexample.com%2Flogo.png%3Fsize%3D64'],
  ] as const)('%s', (_name, params, expected) => {
    expect(buildOtpauthUri(params as Parameters<typeof buildOtpauthUri>[0])).toBe(expected);
  });
});

describe('buildOtpauthUri: rejections name the field', () => {
  const base = { type: 'totp', secret: KEY, accountName: 'alice' } as const;
  const cases: [string, unknown, TwoFactorErrorCode, string][] = [
    ['params not an object', null, 'INVALID_OPTION', '"params" must be an object'],
    ['unknown type', { ...base, type: 'motp' }, 'INVALID_OPTION', '"type" must be'],
    ['upper-case type', { ...base, type: 'TOTP' }, 'INVALID_OPTION', '"type" must be'],
    ['missing secret', { ...base, secret: undefined }, 'INVALID_SECRET', '"secret" must be'],
    ['empty secret bytes', { ...base, secret: new Uint8Array(0) }, 'INVALID_SECRET', '"secret" must be non-empty'],
    ['secret not base32', { ...base, secret: 'not base32!' }, 'INVALID_SECRET', '"secret" must be base32'],
    ['missing accountName', { ...base, accountName: undefined }, 'INVALID_OPTION', '"accountName" must be a non-empty string'],
    ['empty accountName', { ...base, accountName: '' }, 'INVALID_OPTION', '"accountName" must be a non-empty string'],
    ['accountName too long', { ...base, accountName: 'a'.repeat(257) }, 'INVALID_OPTION', '"accountName" must be at most 256 characters'],
    ['accountName with edge space', { ...base, accountName: ' alice' }, 'INVALID_OPTION', '"accountName" must be free of leading and trailing white space'],
    ['accountName with a newline', { ...base, accountName: 'ali\nce' }, 'INVALID_OPTION', '"accountName" must be free of control characters'],
    ['accountName with a lone surrogate', { ...base, accountName: 'a\uD83Db' }, 'INVALID_OPTION', '"accountName" must be well-formed'],
    ['empty issuer', { ...base, issuer: '' }, 'INVALID_OPTION', '"issuer" must be a non-empty string'],
    ['issuer not a string', { ...base, issuer: 42 }, 'INVALID_OPTION', '"issuer" must be a non-empty string'],
    ['issuer with a lone low surrogate', { ...base, issuer: '\uDC00x' }, 'INVALID_OPTION', '"issuer" must be well-formed'],
    ['issuer with trailing space', { ...base, issuer: 'Acme ' }, 'INVALID_OPTION', '"issuer" must be free of leading'],
    ['algorithm spelled loosely', { ...base, algorithm: 'sha256' }, 'INVALID_OPTION', '"algorithm" must be'],
    ['digits 5', { ...base, digits: 5 }, 'INVALID_OPTION', '"digits" must be an integer 6–10, got 5'],
    ['digits 11', { ...base, digits: 11 }, 'INVALID_OPTION', '"digits" must be an integer 6–10, got 11'],
    ['digits 6.5', { ...base, digits: 6.5 }, 'INVALID_OPTION', '"digits" must be an integer 6–10'],
    ['period 0', { ...base, period: 0 }, 'INVALID_OPTION', '"period" must be an integer 1–'],
    ['period 1.5', { ...base, period: 1.5 }, 'INVALID_OPTION', '"period" must be an integer 1–'],
    ['period as a string', { ...base, period: '30' }, 'INVALID_OPTION', '"period" must be an integer 1–'],
    ['counter on totp', { ...base, counter: 1 }, 'INVALID_OPTION', '"counter" must be omitted for \'totp\''],
    ['hotp without counter', { ...base, type: 'hotp' }, 'INVALID_OPTION', '"counter" must be given for \'hotp\''],
    ['period on hotp', { ...base, type: 'hotp', counter: 0, period: 30 }, 'INVALID_OPTION', '"period" must be omitted for \'hotp\''],
    ['negative counter', { ...base, type: 'hotp', counter: -1 }, 'INVALID_OPTION', '"counter" must be a safe integer'],
    ['unsafe number counter', { ...base, type: 'hotp', counter: 2 ** 53 }, 'INVALID_OPTION', '"counter" must be a safe integer'],
    ['counter above 2^64−1', { ...base, type: 'hotp', counter: MAX_COUNTER + 1n }, 'INVALID_OPTION', '"counter" must be an integer 0–2^64−1'],
    ['image not a URL', { ...base, image: 'logo.png' }, 'INVALID_OPTION', '"image" must be an https: or http: URL'],
    ['image javascript:', { ...base, image: 'javascript:alert(1)' }, 'INVALID_OPTION', '"image" must be an https: or http: URL'],
    ['image too long', { ...base, image: `https://e.com/${'a'.repeat(2048)}` }, 'INVALID_OPTION', '"image" must be'],
    ['URI over 4096 characters', { ...base, secret: new Uint8Array(1024), accountName: '😀'.repeat(128), issuer: '€'.repeat(256) },
      'INVALID_OPTION', '"uri" must be at most 4096 characters'],
  ];
  it.each(cases)('%s', (_name, params, code, message) => {
    const error = thrown(() => buildOtpauthUri(params as Parameters<typeof buildOtpauthUri>[0]));
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
  });

  it('never puts the secret into a message', () => {
    const error = thrown(() => buildOtpauthUri({ ...base, secret: KEY, digits: 3 }));
    expect(error.message).not.toContain(KEY);
  });
});

describe('build → parse round trips (fast-check)', () => {
  it('returns exactly what was built, for any label characters and parameters', () => {
    const common = {
      secret: fc.uint8Array({ minLength: 1, maxLength: 64 }),
      accountName: labelPart,
      issuer: fc.option(labelPart, { nil: undefined }),
      algorithm: fc.constantFrom('SHA1', 'SHA256', 'SHA512' as const),
      digits: fc.integer({ min: 6, max: 10 }),
      image: fc.option(fc.webUrl({ validSchemes: ['https', 'http'], withQueryParameters: true, withFragments: true }), { nil: undefined }),
    };
    const totp = fc.record({ type: fc.constant('totp' as const), ...common, period: fc.integer({ min: 1, max: 2 ** 32 - 1 }) });
    const hotp = fc.record({
      type: fc.constant('hotp' as const), ...common,
      counter: fc.oneof(fc.maxSafeNat(), fc.bigInt({ min: BigInt(Number.MAX_SAFE_INTEGER) + 1n, max: MAX_COUNTER })),
    });
    fc.assert(
      fc.property(fc.oneof(totp, hotp), (params) => {
        const uri = buildOtpauthUri(params);
        expect(uri).toMatch(/^otpauth:\/\/[th]otp\/[A-Za-z0-9\-._~%:]+\?[A-Za-z0-9\-._~%=&]+$/);
        const parsed = parseOtpauthUri(uri);
        const expected: OtpauthParams = { ...params, period: params.type === 'totp' ? params.period : undefined };
        for (const key of ['issuer', 'image', 'period'] as const) if (expected[key] === undefined) delete expected[key];
        expect(parsed).toEqual(expected);
        // parse → build is the identity on our own URIs.
        expect(buildOtpauthUri(parsed)).toBe(uri);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('TSDoc example', () => {
  it('buildOtpauthUri', () => {
    expect(buildOtpauthUri({ type: 'totp', secret: 'JBSWY3DPEHPK3PXP', accountName: 'alice@example.com', issuer: 'Acme Co' }))
      .toBe('otpauth://totp/Acme%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Acme%20Co');
  });
});
