// The pages of turning 2FA on: the set-up (QR code and setup key) and the backup codes, shown once.
import { codeField, csrfField, h, settingsLayout } from './layout.mjs';

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
