// "Confirm with a code" (step-up): with 2FA on, the sensitive settings — turning it off, new backup codes,
// adding or removing a factor, removing trusted browsers — need a second factor verified in the last 10
// minutes: at sign-in (`completeSignIn`), on this page (`verify`) or by confirming a new app
// (`confirmEnrollment`), each of which returns `verifiedAt`. Not the password typed at sign-in, and not a
// trusted browser (which skips the code). With 2FA off there is no second factor yet: those routes fall back
// to "confirm your password" (flows/confirm-password.mjs). The gate runs before the form is read, so a code
// typed into a gated form is neither checked nor used up.
import * as pages from '../pages/account.mjs';
import { retryAfter } from '../web/respond.mjs';
import { addApp } from './factors.mjs';
import { failureMessage, statusFor } from './messages.mjs';
import { withRecentPassword } from './confirm-password.mjs';
import { revoke, revokeAll } from './trusted-devices.mjs';

const SECOND_FACTOR_MS = 10 * 60 * 1000;
// The gated actions, by exact path (no open redirect). `then`: an action that needs no code of its own goes
// on at once, with the fields carried through the page; the others need a code in their own form (each
// code works once, so the one typed here cannot serve twice), so they return to it.
const STEP_UP = new Map([
  ['/settings/security/2fa/regenerate', { purpose: 'regenerate your backup codes', focus: 'regenerate' }],
  ['/settings/security/2fa/disable', { purpose: 'turn off two-factor authentication', focus: 'disable' }],
  ['/settings/security/factors/remove', { purpose: 'remove a second factor' }],
  ['/settings/security/factors/token', { purpose: 'add a hardware token' }],
  ['/settings/security/factors/app', { purpose: 'add another app', carry: ['label'], then: addApp }],
  ['/settings/security/trusted-devices/revoke', { purpose: 'remove a trusted browser', carry: ['deviceId'], then: revoke }],
  ['/settings/security/trusted-devices/revoke-all', { purpose: 'remove every trusted browser', carry: [], then: revokeAll }],
]);

/** Whether this session verified a second factor within the last 10 minutes. */
export function freshSecondFactor(session, now) {
  return typeof session.verifiedAt === 'number' && now() - session.verifiedAt < SECOND_FACTOR_MS;
}

/**
 * `handler` behind a recent second factor when 2FA is on (else behind a recent password): otherwise a 303
 * to the confirm page, carrying the form's non-secret fields the action needs.
 */
export function withRecentSecondFactor(handler) {
  const withPassword = withRecentPassword(handler);
  return async (ctx, app) => {
    const { state } = await app.twoFactor.status(ctx.user.id);
    if (state !== 'enabled') return withPassword(ctx, app);
    if (freshSecondFactor(ctx.session, app.now)) return handler(ctx, app);
    const query = new URLSearchParams({ next: ctx.url.pathname });
    for (const name of STEP_UP.get(ctx.url.pathname)?.carry ?? []) query.set(name, ctx.form.get(name) ?? '');
    return ctx.redirect(`/confirm-code?${query}`);
  };
}

/** GET /confirm-code?next=…: the code form. */
export function page(ctx) {
  const { next, step, carried } = target(ctx.url.searchParams);
  return ctx.send(200, pages.confirmCode({ ...ctx.view, next, purpose: step?.purpose, carried }));
}

/** POST /confirm-code: `verify`, its `verifiedAt` kept in the session, then on to the action (or back to its form). */
export async function submit(ctx, app) {
  const { session, form } = ctx;
  const { next, step, carried } = target(form);
  const result = await app.twoFactor.verify(ctx.user.id, form.get('code') ?? '');
  if (!result.ok) {
    const html = pages.confirmCode({ ...ctx.view, next, purpose: step?.purpose, carried, error: failureMessage(result, 'any') });
    return ctx.send(statusFor(result), html, result.reason === 'throttled' ? retryAfter(result.retryAfterMs ?? 1000) : {});
  }
  session.verifiedAt = result.verifiedAt;
  if (step?.then) return step.then({ ...ctx, form: new URLSearchParams(carried) }, app);
  const text = step
    ? `Confirmed. Enter the next code from your app to ${step.purpose} (the one you just typed is used up).`
    : 'Confirmed. You will not be asked again for the next 10 minutes.';
  session.flash = { kind: 'info', text, focus: step?.focus };
  return ctx.redirect('/settings/security');
}

/** The page's return path (one of the gated actions, compared exactly, else the Security tab) and the fields it carries. */
function target(params) {
  const asked = params.get('next');
  const step = STEP_UP.get(asked);
  if (!step) return { next: '/settings/security', step: undefined, carried: [] };
  return { next: asked, step, carried: (step.carry ?? []).map((name) => [name, params.get(name) ?? '']) };
}
