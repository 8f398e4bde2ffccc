// The signed-in pages: the account, the Settings tabs (Profile, Security), "Confirm your password" and
// "Confirm with a code".
import { codeField, csrfField, errorText, h, layout, notice, settingsLayout } from './layout.mjs';
import { factorsSection } from './factors.mjs';
import { trustedBrowsersSection } from './trusted-devices.mjs';

export function dashboard({ csrf, user, status, flash }) {
  return layout({
    title: 'Your account',
    user,
    csrf,
    main: `<h1>Your account</h1>
${notice(flash)}
<p>Signed in as <strong>${h(user.email)}</strong>.</p>
<section class="card" aria-labelledby="security-summary">
  <h2 id="security-summary">Security</h2>
  <p>Two-factor authentication: <strong>${status.state === 'enabled' ? 'On' : 'Off'}</strong></p>
  <p><a href="/settings/security">Manage security settings</a></p>
</section>`,
  });
}

export function settingsProfile({ csrf, user }) {
  return settingsLayout({
    csrf,
    user,
    tab: 'profile',
    body: `<section class="card" aria-labelledby="profile-heading">
  <h2 id="profile-heading">Profile</h2>
  <dl><dt>Email</dt><dd>${h(user.email)}</dd></dl>
</section>`,
  });
}

export function settingsSecurity({ csrf, user, status, enrollment, errors = {}, flash, focus, trustedDevices = [], currentDeviceId }) {
  let body;
  if (status.state === 'enabled') {
    const since = new Date(status.enabledAt).toISOString().slice(0, 16).replace('T', ' ');
    body = `<p>Status: <strong>On</strong> since ${h(since)} UTC.</p>
  <p id="backup-codes-left">Backup codes left: ${status.backupCodesRemaining}.</p>
  ${factorsSection({ csrf, factors: status.factors, errors })}
  <form method="post" action="/settings/security/2fa/regenerate" class="sub">
    ${csrfField(csrf)}
    <h3>Backup codes</h3>
    <p>New codes replace all old ones, used or not.</p>
    ${codeField({ id: 'regenerate-code', label: 'Code from your app to regenerate backup codes', error: errors.regenerate, autofocus: focus === 'regenerate' })}
    <button type="submit">Regenerate backup codes</button>
  </form>
  <form method="post" action="/settings/security/2fa/disable" class="sub">
    ${csrfField(csrf)}
    <h3>Turn off</h3>
    ${codeField({ id: 'disable-code', label: 'Code from your app to disable two-factor authentication', error: errors.disable, autofocus: focus === 'disable' })}
    <button type="submit" class="danger">Disable 2FA</button>
  </form>`;
  } else {
    body = `<p>Status: <strong>Off</strong>. Protect your account with a 6-digit code from an authenticator app
  (Google Authenticator, Microsoft Authenticator, 1Password, Aegis…) in addition to your password.</p>
  ${errorText('enable-error', errors.enable)}
  ${enrollment ? '<p><a href="/settings/security/2fa/setup">Continue the set-up you started</a></p>' : ''}
  <form method="post" action="/settings/security/2fa/enable">
    ${csrfField(csrf)}
    <button type="submit">Enable</button>
  </form>`;
  }
  return settingsLayout({
    csrf,
    user,
    tab: 'security',
    body: `${notice(flash)}
<section class="card" aria-labelledby="two-factor-heading">
  <h2 id="two-factor-heading">Two-Factor Authentication</h2>
  ${body}
</section>
${status.state === 'enabled' ? trustedBrowsersSection({ csrf, devices: trustedDevices, currentDeviceId }) : ''}`,
  });
}

/**
 * "Confirm your password" before a sensitive change (sudo mode). `next` is already one of the server's
 * allowed paths; the username field (hidden) lets password managers offer the right saved password.
 */
export function confirmPassword({ csrf, user, next, purpose, error }) {
  return layout({
    title: 'Confirm your password',
    user,
    csrf,
    main: `<h1>Confirm your password</h1>
<p id="confirm-hint">${purpose ? `To ${h(purpose)}, confirm` : 'Confirm'} your password first. You will not be asked again for the next 10 minutes.</p>
<form method="post" action="/confirm-password" class="card">
  ${csrfField(csrf)}
  <input type="hidden" name="next" value="${h(next)}">
  <input type="email" name="username" autocomplete="username" value="${h(user.email)}" hidden readonly>
  <div class="field">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required autofocus aria-describedby="confirm-hint${error ? ' password-error' : ''}"${error ? ' aria-invalid="true"' : ''}>
    ${errorText('password-error', error)}
  </div>
  <div class="actions"><button type="submit">Confirm password</button> <a href="/settings/security">Cancel</a></div>
</form>`,
  });
}

/**
 * "Confirm with a code" before a sensitive change (step-up). `next` is already one of the server's allowed
 * paths; `carried` are the action's own fields ([name, value] pairs), posted back unchanged.
 */
export function confirmCode({ csrf, user, next, purpose, carried = [], error }) {
  const hidden = carried.map(([name, value]) => `<input type="hidden" name="${h(name)}" value="${h(value)}">`).join('\n  ');
  return layout({
    title: 'Confirm with a code',
    user,
    csrf,
    main: `<h1>Confirm with a code</h1>
<p id="confirm-code-hint">${purpose ? `To ${h(purpose)}, enter` : 'Enter'} a current code from one of your apps or tokens, or an unused backup code. You will not be asked again for the next 10 minutes.</p>
<form method="post" action="/confirm-code" class="card">
  ${csrfField(csrf)}
  <input type="hidden" name="next" value="${h(next)}">
  ${hidden}
  <div class="field">
    <label for="confirm-code">Code</label>
    <input id="confirm-code" name="code" type="text" autocomplete="one-time-code" required autofocus spellcheck="false" autocorrect="off" autocapitalize="off" aria-describedby="confirm-code-hint${error ? ' confirm-code-error' : ''}"${error ? ' aria-invalid="true"' : ''}>
    ${errorText('confirm-code-error', error)}
  </div>
  <div class="actions"><button type="submit">Confirm</button> <a href="/settings/security">Cancel</a></div>
</form>`,
  });
}
