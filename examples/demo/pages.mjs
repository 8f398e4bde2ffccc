// The demo's pages: plain HTML strings. Every value from outside goes through `h` (HTML-escaped);
// errors are role="alert" (read out at once), notices role="status"; every field has a <label>.

import { trustCheckbox, trustedBrowsersSection } from './trusted-devices.mjs';

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** HTML-escapes text for element content and quoted attributes. */
export const h = (value) => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);

const SITE = 'InworkJobs Demo';

function layout({ title, user, csrf, main }) {
  const nav = user
    ? `<nav aria-label="Main">
        <a href="/account">Account</a>
        <a href="/settings">Settings</a>
        <form method="post" action="/logout" class="inline">${csrfField(csrf)}<button type="submit" class="link">Sign out</button></form>
      </nav>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)} · ${SITE}</title>
<link rel="stylesheet" href="/assets/style.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body>
<header class="site"><a class="brand" href="/">${SITE}</a>${nav}</header>
<main id="main">
${main}
</main>
</body>
</html>`;
}

export const csrfField = (csrf) => `<input type="hidden" name="_csrf" value="${h(csrf)}">`;

function notice(flash) {
  if (!flash) return '';
  return flash.kind === 'error'
    ? `<p class="alert" role="alert">${h(flash.text)}</p>`
    : `<p class="notice" role="status">${h(flash.text)}</p>`;
}

function errorText(id, error) {
  return error ? `<p class="alert" role="alert" id="${id}">${h(error)}</p>` : '';
}

/**
 * A field for a 6-digit authenticator code: numeric keypad on phones, one-time-code autofill (iOS/Android
 * offer codes from messages and password managers), no spell-check or autocorrect mangling digits.
 * No `pattern`/`maxlength`: the server decides and answers with a message a screen reader announces,
 * instead of a browser tooltip (and "123 456" pasted with a space still works).
 */
function codeField({ id, label, error, hint, autofocus = false }) {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return `<div class="field">
  <label for="${id}">${h(label)}</label>
  ${hint ? `<p class="hint" id="${id}-hint">${h(hint)}</p>` : ''}
  <input id="${id}" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required${autofocus ? ' autofocus' : ''} spellcheck="false" autocorrect="off" autocapitalize="off"${described ? ` aria-describedby="${described}"` : ''}${error ? ' aria-invalid="true"' : ''}>
  ${errorText(`${id}-error`, error)}
</div>`;
}

export function error({ message, user, csrf }) {
  return layout({ title: 'Error', user, csrf, main: `<h1>Sorry</h1><p class="alert" role="alert">${h(message)}</p><p><a href="/">Back to the start</a></p>` });
}

export function login({ csrf, email = '', error, flash }) {
  return layout({
    title: 'Sign in',
    csrf,
    main: `<h1>Sign in</h1>
${notice(flash)}
<form method="post" action="/login" class="card" novalidate>
  ${csrfField(csrf)}
  ${errorText('login-error', error)}
  <div class="field">
    <label for="email">Email</label>
    <input id="email" name="email" type="email" autocomplete="username" required value="${h(email)}"${error ? ' aria-describedby="login-error" aria-invalid="true"' : ''}>
  </div>
  <div class="field">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required${error ? ' aria-describedby="login-error" aria-invalid="true"' : ''}>
  </div>
  <button type="submit">Sign in</button>
</form>`,
  });
}

export function secondStep({ csrf, method, error }) {
  const totp = method !== 'backup';
  const field = totp
    ? codeField({ id: 'code', label: 'Authentication code', hint: 'Enter the 6-digit code from your authenticator app.', error, autofocus: true })
    : `<div class="field">
  <label for="code">Backup code</label>
  <p class="hint" id="code-hint">Enter one of the backup codes you saved when you turned on two-factor authentication. Each code works once.</p>
  <input id="code" name="code" type="text" autocomplete="one-time-code" required autofocus spellcheck="false" autocorrect="off" autocapitalize="off"
    aria-describedby="code-hint${error ? ' code-error' : ''}"${error ? ' aria-invalid="true"' : ''}>
  ${errorText('code-error', error)}
</div>`;
  return layout({
    title: 'Two-factor authentication',
    csrf,
    main: `<h1>Two-factor authentication</h1>
<form method="post" action="/login/code" class="card">
  ${csrfField(csrf)}
  <input type="hidden" name="method" value="${totp ? 'totp' : 'backup'}">
  ${field}
  ${trustCheckbox()}
  <button type="submit">Verify</button>
</form>
<p>${totp ? '<a href="/login/code?method=backup">Use a backup code</a>' : '<a href="/login/code">Use your authenticator app</a>'}</p>
<form method="post" action="/logout" class="inline">${csrfField(csrf)}<button type="submit" class="link">Cancel and sign out</button></form>`,
  });
}

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

export function settingsLayout({ csrf, user, tab, body }) {
  const tabLink = (href, name, label) =>
    `<a href="${href}"${tab === name ? ' aria-current="page" class="tab current"' : ' class="tab"'}>${label}</a>`;
  return layout({
    title: tab === 'security' ? 'Security settings' : 'Settings',
    user,
    csrf,
    main: `<h1>Settings</h1>
<nav class="tabs" aria-label="Settings">${tabLink('/settings', 'profile', 'Profile')}${tabLink('/settings/security', 'security', 'Security')}</nav>
${body}`,
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

export function settingsSecurity({ csrf, user, status, enrollment, errors = {}, flash, focus, factorsHtml = '', trustedDevices = [], currentDeviceId }) {
  let body;
  if (status.state === 'enabled') {
    const since = new Date(status.enabledAt).toISOString().slice(0, 16).replace('T', ' ');
    body = `<p>Status: <strong>On</strong> since ${h(since)} UTC.</p>
  <p id="backup-codes-left">Backup codes left: ${status.backupCodesRemaining}.</p>
  ${factorsHtml}
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

export function setup({ csrf, user, enrollment, now, error }) {
  const minutes = Math.max(1, Math.round((enrollment.expiresAt - now) / 60_000));
  return settingsLayout({
    csrf,
    user,
    tab: 'security',
    body: `<section class="card" aria-labelledby="setup-heading">
  <h2 id="setup-heading">Set up two-factor authentication</h2>
  <ol class="steps">
    <li>
      <p>Scan this QR code with your authenticator app.</p>
      <figure class="qr-figure">
        <!-- The server sends only the otpauth URI; /assets/app.js draws the QR code with @inworkjobs/two-factor/qr. -->
        <div id="qr" class="qr" data-otpauth-uri="${h(enrollment.uri)}">
          <noscript>Turn on JavaScript to see the QR code, or type the setup key below.</noscript>
        </div>
        <figcaption>Can't scan it? Enter this setup key in the app instead:
          <code id="setup-key" class="setup-key">${h(enrollment.setupKey)}</code>
        </figcaption>
      </figure>
    </li>
    <li>
      <form method="post" action="/settings/security/2fa/confirm">
        ${csrfField(csrf)}
        ${codeField({ id: 'enable-code', label: 'Enter the 6-digit code from your app', error })}
        <button type="submit">Verify &amp; Enable</button>
      </form>
    </li>
  </ol>
  <p class="hint">This set-up expires in about ${minutes} minute${minutes === 1 ? '' : 's'}. <a href="/settings/security">Cancel</a></p>
</section>`,
  });
}

export function backupCodes({ csrf, user, codes, issuer }) {
  if (!codes) {
    return settingsLayout({
      csrf,
      user,
      tab: 'security',
      body: `<section class="card" aria-labelledby="codes-heading">
  <h2 id="codes-heading">Backup codes</h2>
  <p role="status">Backup codes are shown only once. If you lost them, regenerate them on the Security tab.</p>
  <p><a href="/settings/security">Back to Security</a></p>
</section>`,
    });
  }
  return settingsLayout({
    csrf,
    user,
    tab: 'security',
    body: `<section class="card printable" aria-labelledby="codes-heading">
  <h2 id="codes-heading">Save your backup codes</h2>
  <p role="status" class="notice">Two-factor authentication is on. These codes are shown only this once.</p>
  <p>If you lose your phone, each code signs you in once instead of the 6-digit code. Keep them somewhere safe, apart from your phone.</p>
  <ol id="backup-codes" class="codes" data-issuer="${h(issuer)}" data-account="${h(user.email)}">
    ${codes.map((code) => `<li><code>${h(code)}</code></li>`).join('\n    ')}
  </ol>
  <p class="actions no-print">
    <button type="button" id="download-codes" hidden>Download</button>
    <button type="button" id="print-codes" hidden>Print</button>
    <a href="/settings/security">I have saved them</a>
  </p>
</section>`,
  });
}
