// "Trust this browser for 30 days": the demo's half of the library's trusted devices. The library mints the
// token (only on a successful code, shown once, stored as a hash); this file puts it in a cookie, reads it
// back at sign-in, and renders the checkbox and the Security page's list. server.mjs calls in at four
// places: the password step (skip the code?), the code step (mint and set the cookie), the Security page
// (list) and its two revoke forms.
import { h } from './pages.mjs';

/** The cookie that holds the device token. */
export const TRUSTED_DEVICE_COOKIE = 'demo_trusted';
/** What the checkbox promises; the library's default lifetime. */
export const TRUST_DAYS = 30;

/**
 * The trusted-device helpers of one demo app.
 *
 * @param {object} options
 * @param {import('@inworkjobs/two-factor/server').TwoFactor} options.twoFactor
 * @param {() => number} options.now the app's clock, epoch ms
 * @param {boolean} [options.trustProxy] take `X-Forwarded-Proto: https` as "served over https" (only behind a
 *   proxy that sets it and strips it from clients; otherwise anyone could claim it)
 */
export function createTrustedDevices({ twoFactor, now, trustProxy = false }) {
  /** Served over TLS: directly, or through a proxy we were told to trust. Decides the cookie's Secure flag. */
  function isHttps(req) {
    if (req.socket.encrypted) return true;
    return trustProxy && String(req.headers['x-forwarded-proto'] ?? '').split(',')[0].trim().toLowerCase() === 'https';
  }

  /** The Set-Cookie value for a minted device: HttpOnly (no script reads it), SameSite=Lax, Secure over https, gone when the device expires. */
  function cookieFor(req, trustedDevice) {
    const maxAge = Math.max(0, Math.floor((trustedDevice.expiresAt - now()) / 1000));
    return `${TRUSTED_DEVICE_COOKIE}=${trustedDevice.token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${isHttps(req) ? '; Secure' : ''}`;
  }

  return {
    isHttps,

    /** `verify`'s options for the code step: trust this browser only when the box was ticked. */
    verifyOptions(req, form) {
      return form.get('trust') === 'on' ? { trustDevice: { label: browserLabel(req.headers['user-agent']) } } : undefined;
    },

    /** After a successful `verify`: adds the device cookie beside whatever cookie the response already sets. */
    remember(req, res, result) {
      if (result.trustedDevice) appendSetCookie(res, cookieFor(req, result.trustedDevice));
    },

    /**
     * At sign-in, after the password: the id of this browser's trusted device when its cookie verifies for
     * `userId`, else null (no cookie, another user's token, revoked, expired, or 2FA now off).
     */
    async trustedDeviceOf(req, userId) {
      const token = readCookie(req.headers.cookie, TRUSTED_DEVICE_COOKIE);
      if (token === undefined) return null;
      const check = await twoFactor.verifyTrustedDevice(userId, token);
      return check.ok ? check.deviceId : null;
    },

    list: (userId) => twoFactor.listTrustedDevices(userId),

    /** The two Security-page forms. Returns the flash text to show, or null for a route that is not ours. */
    async handle(route, form, userId) {
      if (route === 'POST /settings/security/trusted-devices/revoke') {
        const revoked = await twoFactor.revokeTrustedDevice(userId, form.get('deviceId') ?? '');
        return revoked ? 'The browser was removed. It will ask for a code at the next sign-in.' : 'That browser was already removed.';
      }
      if (route === 'POST /settings/security/trusted-devices/revoke-all') {
        const count = await twoFactor.revokeTrustedDevices(userId);
        return `${count} trusted browser${count === 1 ? '' : 's'} removed. Each will ask for a code at the next sign-in.`;
      }
      return null;
    },
  };
}

/** A short label from the User-Agent (shown escaped; it is the client's own claim): "Chrome on Linux". */
export function browserLabel(userAgent = '') {
  const ua = String(userAgent);
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'A browser';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? `${browser} on ${os}` : browser;
}

function readCookie(header = '', name) {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** node:http keeps one Set-Cookie header per setHeader call: add to it instead of replacing the session cookie. */
function appendSetCookie(res, cookie) {
  const previous = res.getHeader('Set-Cookie');
  res.setHeader('Set-Cookie', [...(previous === undefined ? [] : [previous].flat()), cookie]);
}

// --- HTML ------------------------------------------------------------------------------------------------

/** The checkbox on the code page. */
export function trustCheckbox() {
  return `<div class="field check">
  <input id="trust" name="trust" type="checkbox" aria-describedby="trust-hint">
  <label for="trust">Trust this browser for ${TRUST_DAYS} days</label>
  <p class="hint" id="trust-hint">Don't ask for a code on this browser. Only on a computer you alone use.</p>
</div>`;
}

const day = (ms) => new Date(ms).toISOString().slice(0, 10);

/** The Security page's list of trusted browsers, with Revoke per browser and Revoke all. */
export function trustedBrowsersSection({ csrf, devices, currentDeviceId }) {
  const csrfField = `<input type="hidden" name="_csrf" value="${h(csrf)}">`;
  if (devices.length === 0) {
    return `<section class="card" aria-labelledby="trusted-heading">
  <h2 id="trusted-heading">Trusted browsers</h2>
  <p>No browser skips the code. Tick “Trust this browser for ${TRUST_DAYS} days” when you sign in to add one.</p>
</section>`;
  }
  const rows = devices.map((d) => {
    const name = `${d.label || 'A browser'}${d.deviceId === currentDeviceId ? ' (this browser)' : ''}`;
    const used = d.lastUsedAt === undefined ? '' : `, last used ${day(d.lastUsedAt)}`;
    return `<li>
      <span class="device-name">${h(name)}</span> — trusted ${day(d.createdAt)}${used}, until ${day(d.expiresAt)}
      <form method="post" action="/settings/security/trusted-devices/revoke" class="inline">${csrfField}<input type="hidden" name="deviceId" value="${h(d.deviceId)}"><button type="submit" class="link" aria-label="Revoke ${h(name)}">Revoke</button></form>
    </li>`;
  });
  return `<section class="card" aria-labelledby="trusted-heading">
  <h2 id="trusted-heading">Trusted browsers</h2>
  <p>These browsers skip the code after the password until the date shown.</p>
  <ul id="trusted-browsers">
    ${rows.join('\n    ')}
  </ul>
  <form method="post" action="/settings/security/trusted-devices/revoke-all">${csrfField}<button type="submit" class="danger">Revoke all</button></form>
</section>`;
}
