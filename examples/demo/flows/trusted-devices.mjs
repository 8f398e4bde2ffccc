// "Trust this browser for 30 days": the library mints the token (only on a successful code, shown once,
// stored as a hash); this flow keeps it in the `demo_trusted` cookie, checks it at the next sign-in, and
// answers the Security tab's two revoke forms. The sign-in flow calls the first three.
import { appendSetCookie, cookieHeader, isHttps, readCookie } from '../web/cookies.mjs';

const TRUSTED_DEVICE_COOKIE = 'demo_trusted';

/** `verify`'s options for the code step: trust this browser only when the box was ticked. */
export function trustOption({ req, form }) {
  return form.get('trust') === 'on' ? { trustDevice: { label: browserLabel(req.headers['user-agent']) } } : undefined;
}

/** After a successful `verify` that minted a device: its cookie, beside the session cookie, gone when the device expires. */
export function rememberDevice({ req, res }, { trustedDevice }, { now, trustProxy }) {
  if (!trustedDevice) return;
  const maxAge = Math.max(0, Math.floor((trustedDevice.expiresAt - now()) / 1000));
  appendSetCookie(res, cookieHeader(TRUSTED_DEVICE_COOKIE, trustedDevice.token, maxAge, isHttps(req, trustProxy)));
}

/**
 * At sign-in, after the password: the id of this browser's trusted device when its cookie verifies for
 * `userId`, else null (no cookie, another user's token, revoked, expired, or 2FA now off).
 */
export async function trustedDeviceOf({ req }, { twoFactor }, userId) {
  const token = readCookie(req.headers.cookie, TRUSTED_DEVICE_COOKIE);
  if (token === undefined) return null;
  const check = await twoFactor.verifyTrustedDevice(userId, token);
  return check.ok ? check.deviceId : null;
}

/** POST /settings/security/trusted-devices/revoke: one browser asks for a code again. */
export async function revoke({ user, session, form, redirect }, { twoFactor }) {
  const revoked = await twoFactor.revokeTrustedDevice(user.id, form.get('deviceId') ?? '');
  const text = revoked ? 'The browser was removed. It will ask for a code at the next sign-in.' : 'That browser was already removed.';
  session.flash = { kind: 'info', text };
  return redirect('/settings/security');
}

/** POST /settings/security/trusted-devices/revoke-all. */
export async function revokeAll({ user, session, redirect }, { twoFactor }) {
  const count = await twoFactor.revokeTrustedDevices(user.id);
  session.flash = { kind: 'info', text: `${count} trusted browser${count === 1 ? '' : 's'} removed. Each will ask for a code at the next sign-in.` };
  return redirect('/settings/security');
}

/** A short label from the User-Agent (shown escaped; it is the client's own claim): "Chrome on Linux". */
export function browserLabel(userAgent = '') {
  const ua = String(userAgent);
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'A browser';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? `${browser} on ${os}` : browser;
}
