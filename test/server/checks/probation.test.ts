// Older factors outrank newer ones (src/server/checks/probation.ts), through the public entry: the takeover
// a review ran against 0.2 (password + two backup codes → the attacker's token the only factor) now ends
// with the owner still holding their app and codes; what a factor on probation may and may not do; when it
// matures; who is never on probation; the proof named in `factor-added`.
import { describe, expect, it } from 'vitest';
import { encodeBase32, generateHotp, generateSecret } from '../../../src/index.js';
import { probationLeft, probationWait } from '../../../src/server/checks/probation.js';
import { codeAt, enrol, setup, STEP_MS } from '../../support/fixtures.js';
import { challengeOf, withoutWrites } from '../../support/sign-in.js';

const HOUR_MS = 60 * 60 * 1000;
const PROBATION_MS = 72 * HOUR_MS;

/** Alice with her app; the attacker has her password and backup codes #1 and #2, and registers his own HOTP token. */
async function takeover(options: Parameters<typeof setup>[0] = {}) {
  const ctx = setup(options);
  const owner = await enrol(ctx, 'alice');
  ctx.clock.advance(STEP_MS);
  const [appFactor] = await ctx.twoFactor.listFactors('alice');
  const token = encodeBase32(generateSecret());
  let counter = 0;
  const tokenCode = () => generateHotp(token, counter++);
  const ownerCode = () => {
    ctx.clock.advance(STEP_MS);
    return codeAt(owner.secret, ctx.clock.now());
  };
  expect(await ctx.twoFactor.verify('alice', owner.backupCodes[0]!)).toMatchObject({ ok: true, method: 'backup-code' });
  const added = await ctx.twoFactor.addHotpToken('alice', { secret: token, codes: [tokenCode(), tokenCode()], label: 'Attacker', proof: owner.backupCodes[1]! });
  if (!added.ok) throw new Error(`the attacker's token was refused: ${added.reason}`);
  return { ...ctx, owner, appFactor: appFactor!, attackerFactor: added.factorId, tokenCode, ownerCode, addedAt: ctx.clock.now() };
}

describe('the takeover of 0.2, replayed', () => {
  it('the attacker adds a token with a backup code as proof, but cannot remove the app, regenerate the codes or disable 2FA', async () => {
    const t = await takeover();
    expect(t.events.filter((e) => e.type === 'factor-added').at(-1)).toMatchObject({ factorId: t.attackerFactor, factorType: 'hotp', proof: 'backup-code' });
    const wait = { ok: false, reason: 'probation', retryAfterMs: PROBATION_MS };
    expect(await withoutWrites(t, () => t.twoFactor.removeFactor('alice', t.appFactor.id, t.tokenCode()), ['alice'])).toEqual(wait);
    expect(await withoutWrites(t, () => t.twoFactor.regenerateBackupCodes('alice', t.tokenCode()), ['alice'])).toEqual(wait);
    expect(await withoutWrites(t, () => t.twoFactor.disable('alice', t.tokenCode()), ['alice'])).toEqual(wait);

    // The owner's app removes the attacker's token at once; the app and the eight remaining codes still work.
    expect(await t.twoFactor.removeFactor('alice', t.attackerFactor, t.ownerCode())).toEqual({ ok: true });
    expect((await t.twoFactor.listFactors('alice')).map((f) => f.id)).toEqual([t.appFactor.id]);
    expect(await t.twoFactor.verify('alice', t.ownerCode())).toMatchObject({ ok: true, method: 'totp' });
    expect(await t.twoFactor.verify('alice', t.owner.backupCodes[2]!)).toMatchObject({ ok: true, method: 'backup-code', backupCodesRemaining: 7 });
    expect(await t.twoFactor.status('alice')).toMatchObject({ state: 'enabled', backupCodesRemaining: 7 });
  });

  it('a factor on probation signs in (verify and completeSignIn) and serves as proof', async () => {
    const t = await takeover();
    expect(await t.twoFactor.verify('alice', t.tokenCode())).toMatchObject({ ok: true, method: 'hotp', factorId: t.attackerFactor });
    expect(await t.twoFactor.completeSignIn(await challengeOf(t, 'alice'), t.tokenCode())).toMatchObject({ ok: true, method: 'hotp' });
    const app = await t.twoFactor.beginEnrollment('alice', { accountName: 'alice', label: 'Second attacker app' });
    expect(await t.twoFactor.confirmEnrollment('alice', codeAt(app.secret, t.clock.now()), { proof: t.tokenCode() })).toMatchObject({ ok: true });
    expect(t.events.filter((e) => e.type === 'factor-added').at(-1)).toMatchObject({ factorType: 'totp', proof: 'hotp' });
  });

  it('a factor on probation may remove itself, or a factor added after it, but no older one', async () => {
    const t = await takeover();
    const later = await t.twoFactor.beginEnrollment('alice', { accountName: 'alice', label: 'Later' });
    const added = await t.twoFactor.confirmEnrollment('alice', codeAt(later.secret, t.clock.now()), { proof: t.tokenCode() });
    if (!added.ok) throw new Error('expected the later app to be added');
    t.clock.advance(STEP_MS);
    // The later app (on probation) cannot remove the token (older), the token can remove the later app.
    expect(await t.twoFactor.removeFactor('alice', t.attackerFactor, codeAt(later.secret, t.clock.now()))).toMatchObject({ ok: false, reason: 'probation' });
    expect(await t.twoFactor.removeFactor('alice', added.factorId, t.tokenCode())).toEqual({ ok: true });
    expect(await t.twoFactor.removeFactor('alice', t.attackerFactor, t.tokenCode())).toEqual({ ok: true });
    expect((await t.twoFactor.listFactors('alice')).map((f) => f.id)).toEqual([t.appFactor.id]);
  });

  it('retryAfterMs counts down; after 72 hours the factor has matured and may do everything', async () => {
    const t = await takeover();
    t.clock.advance(PROBATION_MS - 1);
    expect(await t.twoFactor.disable('alice', t.tokenCode())).toEqual({ ok: false, reason: 'probation', retryAfterMs: t.addedAt + PROBATION_MS - t.clock.now() });
    t.clock.advance(1);
    expect(await t.twoFactor.regenerateBackupCodes('alice', t.tokenCode())).toMatchObject({ ok: true });
    expect(await t.twoFactor.removeFactor('alice', t.appFactor.id, t.tokenCode())).toEqual({ ok: true });
  });

  it('factors.probationMs sets the probation; 0 turns it off; bad values are INVALID_OPTION naming the field', async () => {
    const short = await takeover({ factors: { probationMs: HOUR_MS } });
    expect(await short.twoFactor.disable('alice', short.tokenCode())).toEqual({ ok: false, reason: 'probation', retryAfterMs: HOUR_MS });
    const off = await takeover({ factors: { probationMs: 0 } });
    expect(await off.twoFactor.removeFactor('alice', off.appFactor.id, off.tokenCode())).toEqual({ ok: true });
    for (const probationMs of [-1, 30 * 24 * HOUR_MS + 1, 1.5, '1000', Number.NaN]) {
      expect(() => setup({ factors: { probationMs: probationMs as number } })).toThrow(/"factors.probationMs"/);
    }
    expect(() => setup({ factors: 'x' as never })).toThrow(/"factors"/);
  });
});

describe('never on probation', () => {
  it('the first factor, whether an app or a token', async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    expect(ctx.events.find((e) => e.type === 'factor-added')).toMatchObject({ proof: null });
    expect(await ctx.twoFactor.disable('alice', codeAt(secret, ctx.clock.now() + STEP_MS))).toEqual({ ok: true });
    const token = encodeBase32(generateSecret());
    await ctx.twoFactor.addHotpToken('tok', { secret: token, codes: [generateHotp(token, 0), generateHotp(token, 1)] });
    expect(await ctx.twoFactor.regenerateBackupCodes('tok', generateHotp(token, 2))).toMatchObject({ ok: true });
  });

  it('a factor imported by the operator beside an older one', async () => {
    const ctx = setup();
    await enrol(ctx);
    const secret = encodeBase32(generateSecret());
    await ctx.twoFactor.importFactor('alice', { type: 'totp', secret, label: 'Imported' });
    const [first] = await ctx.twoFactor.listFactors('alice');
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.removeFactor('alice', first!.id, codeAt(secret, ctx.clock.now()))).toEqual({ ok: true });
  });

  it('an app added with the proof of a TOTP code is on probation like a token (proof: totp)', async () => {
    const ctx = setup();
    const first = await enrol(ctx);
    const second = await ctx.twoFactor.beginEnrollment('alice', { accountName: 'alice', label: 'Second' });
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.confirmEnrollment('alice', codeAt(second.secret, ctx.clock.now()), { proof: codeAt(first.secret, ctx.clock.now()) })).toMatchObject({ ok: true });
    expect(ctx.events.filter((e) => e.type === 'factor-added').at(-1)).toMatchObject({ proof: 'totp' });
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.disable('alice', codeAt(second.secret, ctx.clock.now()))).toEqual({ ok: false, reason: 'probation', retryAfterMs: PROBATION_MS - STEP_MS });
    // A code of the matured first app always works.
    expect(await ctx.twoFactor.disable('alice', codeAt(first.secret, ctx.clock.now()))).toEqual({ ok: true });
  });
});

describe('probationWait: who may make a privileged change', () => {
  const mature = {};
  const until = (ms: number) => ({ probationUntil: ms });
  const factors = [mature, until(1000), until(2000)];

  it('a mature match may; matches all on probation wait for the soonest to mature', () => {
    expect(probationWait(factors, [0], 0)).toBe(0);
    expect(probationWait(factors, [1, 0], 0)).toBe(0);
    expect(probationWait(factors, [1], 400)).toBe(600);
    expect(probationWait(factors, [2, 1], 400)).toBe(600);
    expect(probationWait(factors, [1], 1000)).toBe(0);
    expect(probationLeft(until(1000), 1001)).toBe(0);
  });

  it('for a removal, a factor on probation may remove itself or a newer one, not an older one', () => {
    expect(probationWait(factors, [1], 0, 1)).toBe(0);
    expect(probationWait(factors, [1], 0, 2)).toBe(0);
    expect(probationWait(factors, [1], 0, 0)).toBe(1000);
    expect(probationWait(factors, [2], 0, 1)).toBe(2000);
  });
});
