// "Trust this browser for 30 days": the checkbox on the code page, and the Security page's list of trusted
// browsers with Revoke per browser and Revoke all.
import { csrfField, h } from './layout.mjs';

/** What the checkbox promises; the library's default lifetime. */
export const TRUST_DAYS = 30;

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
  const csrfInput = csrfField(csrf);
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
      <form method="post" action="/settings/security/trusted-devices/revoke" class="inline">${csrfInput}<input type="hidden" name="deviceId" value="${h(d.deviceId)}"><button type="submit" class="link" aria-label="Revoke ${h(name)}">Revoke</button></form>
    </li>`;
  });
  return `<section class="card" aria-labelledby="trusted-heading">
  <h2 id="trusted-heading">Trusted browsers</h2>
  <p>These browsers skip the code after the password until the date shown.</p>
  <ul id="trusted-browsers">
    ${rows.join('\n    ')}
  </ul>
  <form method="post" action="/settings/security/trusted-devices/revoke-all">${csrfInput}<button type="submit" class="danger">Revoke all</button></form>
</section>`;
}
