// The sign-in pages: the password, then the code (or a backup code) with "Trust this browser".
import { codeField, csrfField, errorText, h, layout, notice } from './layout.mjs';
import { trustCheckbox } from './trusted-devices.mjs';

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
<form method="post" action="/login/cancel" class="inline">${csrfField(csrf)}<button type="submit" class="link">Sign in as someone else</button></form>`,
  });
}
