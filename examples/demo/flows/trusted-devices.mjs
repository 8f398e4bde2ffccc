// "Trust this browser for 30 days": the library mints the token (only on a successful code, shown once,
// stored as a hash); this flow keeps it in the `demo_trusted` cookie, hands it to `beginSignIn` at the next
// sign-in (which checks it), and answers the Security tab's two revoke forms (behind a fresh second factor).
import { appendSetCookie, cookieHeader, isHttps, readCookie } from '../web/cookies.mjs';

const TRUSTED_DEVICE_COOKIE = 'demo_trusted';

/** `completeSignIn`'s options for the code step: trust this browser only when the box was ticked. */
export function trustOption({ req, form }) {
  return form.get('trust') === 'on' ? { trustDevice: { label: browserLabel(req.headers['user-agent']) } } : undefined;
}

/** After a successful `completeSignIn` that minted a device: its cookie, beside the session cookie, gone when the device expires. */
export function rememberDevice({ req, res }, { trustedDevice }, { now, trustProxy }) {
  if (!trustedDevice) return;
  const maxAge = Math.max(0, Math.floor((trustedDevice.expiresAt - now()) / 1000));
  appendSetCookie(res, cookieHeader(TRUSTED_DEVICE_COOKIE, trustedDevice.token, maxAge, isHttps(req, trustProxy)));
}

/** At sign-in, after the password: this browser's trusted-device token, for `beginSignIn` to check (or undefined). */
export function presentedDeviceToken({ req }) {
  return readCookie(req.headers.cookie, TRUSTED_DEVICE_COOKIE);
}

/** `beginSignIn` found the token invalid or expired (revoked, another user's, 2FA turned off since): the cookie goes. */
export function forgetDevice({ req, res }, { trustProxy }) {
  appendSetCookie(res, cookieHeader(TRUSTED_DEVICE_COOKIE, '', 0, isHttps(req, trustProxy)));
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
