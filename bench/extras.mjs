// Sections for the modules beyond the OTP core. Each plug-in returns its groups only when the built
// dist/ has what it needs (an export of dist/index.js, or dist/qr.js / dist/server.js), so the bench
// runs at every stage of the package. To add a section: write a function (dist) => group[] and list it
// in PLUGINS.
import * as OTPAuth from 'otpauth';
import { generateURI } from 'otplib';
import { parse as otplibParseUri } from '@otplib/uri';
import { QR_PEERS, QR_URI } from './qr-size.mjs';

const SECRETS = 256;
const secretBytes = (i) => Uint8Array.from({ length: 20 }, (_, j) => (i * 131 + j * 29 + 7) & 255);
const account = (i) => `user${i}@example.com`;
const ISSUER = 'InworkJobs';

function uriGroups({ core }) {
  if (typeof core?.buildOtpauthUri !== 'function' || typeof core?.parseOtpauthUri !== 'function') return [];
  const b32 = Array.from({ length: SECRETS }, (_, i) => core.encodeBase32(secretBytes(i)));
  const ours = b32.map((secret, i) => core.buildOtpauthUri({ type: 'totp', secret, accountName: account(i), issuer: ISSUER }));
  const build = {
    '@inworkjobs/two-factor': (i) => core.buildOtpauthUri({ type: 'totp', secret: b32[i], accountName: account(i), issuer: ISSUER }),
    'otpauth 9.5.2': (i) =>
      new OTPAuth.TOTP({ issuer: ISSUER, label: account(i), secret: OTPAuth.Secret.fromBase32(b32[i]) }).toString(),
    'otplib 13': (i) => generateURI({ issuer: ISSUER, label: account(i), secret: b32[i] }),
  };
  // Each parser must give back the secret, account and issuer of our URIs.
  const parse = {
    '@inworkjobs/two-factor': (uri) => {
      const p = core.parseOtpauthUri(uri);
      return { secret: core.encodeBase32(p.secret), account: p.accountName, issuer: p.issuer };
    },
    'otpauth 9.5.2': (uri) => {
      const p = OTPAuth.URI.parse(uri);
      return { secret: p.secret.base32, account: p.label, issuer: p.issuer };
    },
    '@otplib/uri 13': (uri) => {
      const p = otplibParseUri(uri);
      return { secret: p.params.secret, account: p.label.slice(p.label.indexOf(':') + 1), issuer: p.params.issuer };
    },
  };
  const agrees = (got, i) => got.secret === b32[i] && got.account === account(i) && got.issuer === ISSUER;
  return [
    {
      title: 'buildOtpauthUri (TOTP, issuer + account)',
      candidates: Object.entries(build).map(([lib, fn]) => ({
        lib,
        check: () => {
          for (let i = 0; i < SECRETS; i += 17) if (!agrees(parse['@inworkjobs/two-factor'](fn(i)), i)) return `URI ${i} does not parse back to its inputs`;
          return null;
        },
        run: (i) => fn(i & (SECRETS - 1)),
      })),
    },
    {
      title: 'parseOtpauthUri',
      candidates: Object.entries(parse).map(([lib, fn]) => ({
        lib,
        check: () => {
          for (let i = 0; i < SECRETS; i += 17) if (!agrees(fn(ours[i]), i)) return `misreads URI ${i}`;
          return null;
        },
        run: (i) => fn(ours[i & (SECRETS - 1)]).secret,
      })),
    },
  ];
}

function qrGroups({ core, qr }) {
  const render = qr?.renderQrSvg ?? core?.renderQrSvg;
  if (typeof render !== 'function') return [];
  // The same 120-character URI every time (bench/qr-size.mjs), level M, 4-module quiet zone.
  const libs = {
    '@inworkjobs/two-factor': { run: () => render(QR_URI, { errorCorrection: 'M' }) },
    ...Object.fromEntries(Object.entries(QR_PEERS).map(([lib, fn]) => [lib, { run: () => fn(QR_URI) }])),
  };
  return [{
    title: 'QR SVG render (the 120-char otpauth URI, ECL M)',
    perOpMs: true,
    candidates: Object.entries(libs).map(([lib, c]) => {
      let bytes;
      return {
        lib,
        async: c.async,
        check: async () => {
          const svg = await c.run(0);
          bytes = new TextEncoder().encode(svg).length;
          return typeof svg === 'string' && svg.includes('<svg') ? null : 'no <svg> output';
        },
        bytes: () => bytes,
        run: (i) => c.run(i & 255),
      };
    }),
  }];
}

function backupCodeGroups({ core }) {
  if (typeof core?.hashBackupCodes !== 'function' || typeof core?.verifyBackupCode !== 'function') return [];
  let codes;
  let stored;
  const setup = async () => {
    codes ??= core.generateBackupCodes();
    stored ??= await core.hashBackupCodes(codes);
  };
  return [{
    title: 'hashBackupCodes (10 codes, default cost)',
    rounds: 5,
    perOpMs: true,
    candidates: [{
      lib: '@inworkjobs/two-factor',
      async: true,
      check: async () => { await setup(); return null; },
      run: () => core.hashBackupCodes(codes),
    }],
  }, {
    title: 'verifyBackupCode (right code, default cost)',
    rounds: 5,
    perOpMs: true,
    candidates: [{
      lib: '@inworkjobs/two-factor',
      async: true,
      check: async () => {
        await setup();
        const r = await core.verifyBackupCode(stored, codes[3]);
        const wrong = await core.verifyBackupCode(stored, core.generateBackupCodes()[0]);
        return r.valid && r.index === 3 && !wrong.valid ? null : 'does not verify its own codes';
      },
      run: (i) => core.verifyBackupCode(stored, codes[i % codes.length]),
    }],
  }];
}

function serviceGroups({ core, server }) {
  if (typeof server?.createTwoFactor !== 'function' || typeof server?.MemoryStore !== 'function') return [];
  const USERS = 16;
  const PERIOD_MS = 30_000;
  const start = Date.UTC(2030, 0, 1);
  const make = (encryption) => {
    // The clock moves one step per verify, so every call is a fresh, accepted code (no replay refusal,
    // no throttle): the path of a real sign-in. Generating the code (one HMAC) is part of each op.
    let opIndex = 0;
    const service = server.createTwoFactor({
      store: new server.MemoryStore(),
      issuer: ISSUER,
      now: () => start + opIndex * PERIOD_MS,
      ...(encryption ? { encryption } : {}),
      backupCodes: { cost: { N: 2 ** 13, r: 1, p: 1 } }, // cheap: enrolment is set-up here, not measured
    });
    const secrets = [];
    const setup = async () => {
      for (let u = 0; u < USERS; u++) {
        const e = await service.beginEnrollment(`u${u}`, { accountName: account(u) });
        secrets[u] = e.secret;
        const ok = await service.confirmEnrollment(`u${u}`, core.generateTotp(e.secret, { now: start }));
        if (!ok.ok) return `enrolment failed: ${ok.reason}`;
      }
      opIndex = 1;
      const r = await service.verify('u0', core.generateTotp(secrets[0], { now: start + PERIOD_MS }));
      const replay = await service.verify('u0', core.generateTotp(secrets[0], { now: start + PERIOD_MS }));
      return r.ok && !replay.ok ? null : 'verify does not accept a fresh code once';
    };
    return {
      async: true,
      check: setup,
      run: () => {
        opIndex += 1;
        const u = opIndex % USERS;
        return service.verify(`u${u}`, core.generateTotp(secrets[u], { now: start + opIndex * PERIOD_MS }));
      },
    };
  };
  const key = Uint8Array.from({ length: 32 }, (_, i) => i);
  return [{
    title: 'service verify() on MemoryStore (right TOTP code)',
    candidates: [
      { lib: '@inworkjobs/two-factor', note: 'secrets in the clear', ...make(undefined) },
      { lib: '@inworkjobs/two-factor', note: 'AES-256-GCM sealed secrets', ...make({ keys: { k1: key }, current: 'k1' }) },
    ],
  }];
}

const PLUGINS = [uriGroups, qrGroups, backupCodeGroups, serviceGroups];

export function extraGroups(dist) {
  return PLUGINS.flatMap((plugin) => plugin(dist));
}
