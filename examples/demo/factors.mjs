// The demo's factor management on the Security tab: the list of factors (label, type, added, last used),
// Add another app, Add a hardware token (secret + two codes), Rename and Remove. Adding needs proof (a
// current code of an enabled factor or a backup code) and removing a current code: the library enforces
// both. Adding and removing are also gated by "confirm your password", like Enable and Disable: with 2FA
// off an addition turns it on, and removing the factors one by one turns it off.
import { csrfField, h, settingsLayout } from './pages.mjs';

const PREFIX = '/settings/security/factors';
const when = (ms) => (ms === undefined ? 'never' : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`);
const TYPE_NAMES = { totp: 'Authenticator app', hotp: 'Hardware token (HOTP)' };

function input({ id, name, label, error, numeric = false, hint = '', value = '' }) {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return `<div class="field">
  <label for="${id}">${h(label)}</label>
  ${hint ? `<p class="hint" id="${id}-hint">${h(hint)}</p>` : ''}
  <input id="${id}" name="${name}" type="text" value="${h(value)}" required spellcheck="false" autocapitalize="off"${numeric ? ' inputmode="numeric" autocomplete="off"' : ''}${described ? ` aria-describedby="${described}"` : ''}${error ? ' aria-invalid="true"' : ''}>
  ${error ? `<p class="alert" role="alert" id="${id}-error">${h(error)}</p>` : ''}
</div>`;
}

const PROOF_HINT = 'A current code from one of your apps or tokens, or an unused backup code.';

/** The factor list and the add forms, for the Security tab of a user with 2FA on. `errors` keyed by form. */
export function factorsSection({ csrf, factors, errors = {} }) {
  const rows = factors
    .map(
      (f) => `<tr class="factor">
      <th scope="row">${h(f.label)}</th><td>${TYPE_NAMES[f.type]}</td><td>${when(f.createdAt)}</td><td>${when(f.lastUsedAt)}</td>
    </tr>
    <tr class="manage">
      <td colspan="4"><div class="manage-forms">
        <form method="post" action="${PREFIX}/rename" class="inline-form">${csrfField(csrf)}<input type="hidden" name="factorId" value="${h(f.id)}">
          ${input({ id: `rename-${f.id}`, name: 'label', label: `New name for ${f.label}`, error: errors[`rename-${f.id}`], value: f.label })}
          <button type="submit">Rename ${h(f.label)}</button></form>
        <form method="post" action="${PREFIX}/remove" class="inline-form">${csrfField(csrf)}<input type="hidden" name="factorId" value="${h(f.id)}">
          ${input({ id: `remove-${f.id}`, name: 'code', label: `Code to remove ${f.label}`, numeric: true, error: errors[`remove-${f.id}`], hint: 'A current code from any of your apps or tokens.' })}
          <button type="submit" class="danger">Remove ${h(f.label)}</button></form>
      </div></td>
    </tr>`,
    )
    .join('\n');
  return `<section class="sub" aria-labelledby="factors-heading">
  <h3 id="factors-heading">Your second factors</h3>
  <table id="factors"><thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Added</th><th scope="col">Last used</th></tr></thead>
  <tbody>${rows}</tbody></table>
  <form method="post" action="${PREFIX}/app" class="sub">${csrfField(csrf)}
    <h4>Add another app</h4>
    ${input({ id: 'app-label', name: 'label', label: 'Name of the new app', value: 'Backup phone', error: errors.app })}
    <button type="submit">Add another app</button>
  </form>
  <form method="post" action="${PREFIX}/token" class="sub">${csrfField(csrf)}
    <h4>Add a hardware token</h4>
    <p>For a token in OATH-HOTP mode (e.g. a YubiKey): its secret, then press it twice.</p>
    ${input({ id: 'token-label', name: 'label', label: 'Name of the token', value: 'YubiKey' })}
    ${input({ id: 'token-secret', name: 'secret', label: 'Token secret (base32)', error: errors.tokenSecret })}
    ${input({ id: 'token-code1', name: 'code1', label: 'First code from the token', numeric: true })}
    ${input({ id: 'token-code2', name: 'code2', label: 'Next code from the token', numeric: true })}
    ${input({ id: 'token-proof', name: 'proof', label: 'Code to confirm it is you (token)', hint: PROOF_HINT, error: errors.token })}
    <button type="submit">Add hardware token</button>
  </form>
</section>`;
}

/** The page that adds a second app: its QR code, its first code, and proof from an enabled factor. */
function addAppPage({ csrf, user, addition, error }) {
  return settingsLayout({
    csrf,
    user,
    tab: 'security',
    body: `<section class="card" aria-labelledby="add-app-heading">
  <h2 id="add-app-heading">Add another app: ${h(addition.label)}</h2>
  <figure class="qr-figure">
    <div id="qr" class="qr" data-otpauth-uri="${h(addition.uri)}"><noscript>Turn on JavaScript to see the QR code, or type the setup key below.</noscript></div>
    <figcaption>Can't scan it? Enter this setup key in the app instead: <code id="setup-key" class="setup-key">${h(addition.setupKey)}</code></figcaption>
  </figure>
  <form method="post" action="${PREFIX}/app/confirm">${csrfField(csrf)}
    ${input({ id: 'new-app-code', name: 'code', label: 'Code from the new app', numeric: true })}
    ${input({ id: 'app-proof', name: 'proof', label: 'Code to confirm it is you (app)', hint: PROOF_HINT, error })}
    <button type="submit">Add app</button>
  </form>
  <p><a href="/settings/security">Cancel</a></p>
</section>`,
  });
}

const MESSAGES = {
  'proof-required': 'Confirm it is you with a code from one of your apps or tokens, or a backup code.',
  'unknown-factor': 'That factor no longer exists.',
  invalid: 'That code is not valid.',
  replayed: 'That code has already been used. Wait for the next one.',
  expired: 'This set-up has expired. Start again.',
  'no-pending-enrollment': 'This set-up has expired. Start again.',
  'not-enabled': 'Two-factor authentication is off.',
};
const message = (result) =>
  result.reason === 'throttled' ? `Too many attempts. Try again in ${Math.ceil((result.retryAfterMs ?? 1000) / 1000)} seconds.` : MESSAGES[result.reason];

/** A service call whose argument a user typed: a malformed one (bad base32, a label with a newline) is a message, not a 500. */
async function typed(call) {
  try {
    return await call();
  } catch (error) {
    if (error?.name === 'TwoFactorError' && (error.code === 'INVALID_SECRET' || error.code === 'INVALID_OPTION')) return { ok: false, malformed: error.code };
    throw error;
  }
}

/**
 * The factor routes of a signed-in user. Returns false for a route that is not one of them.
 * `app` gives what the server has: { twoFactor, user, session, form, view, res, send, redirect, securityPage,
 * passwordRecentlyConfirmed, askForPassword }.
 */
export async function handleFactorRoute(route, app) {
  const { twoFactor, user, session, form, send, redirect, securityPage } = app;
  const factorId = form.get('factorId') ?? '';
  switch (route) {
    case `POST ${PREFIX}/app`: {
      if (!app.passwordRecentlyConfirmed()) return app.askForPassword();
      const label = (form.get('label') ?? '').trim();
      const begun = await typed(() => twoFactor.beginEnrollment(user.id, { accountName: user.email, label }));
      if (begun.ok === false) return securityPage(400, { app: 'A name has 1–64 characters and no line breaks.' });
      session.addition = { uri: begun.uri, setupKey: begun.setupKey, expiresAt: begun.expiresAt, label };
      return redirect(`${PREFIX}/app`);
    }
    case `GET ${PREFIX}/app`:
      if (!session.addition) return redirect('/settings/security');
      return send(200, addAppPage({ ...app.view, addition: session.addition }));
    case `POST ${PREFIX}/app/confirm`: {
      if (!session.addition) return redirect('/settings/security');
      const result = await twoFactor.confirmEnrollment(user.id, form.get('code') ?? '', { proof: form.get('proof') ?? '' });
      if (!result.ok) return send(result.reason === 'throttled' ? 429 : 400, addAppPage({ ...app.view, addition: session.addition, error: message(result) }));
      session.flash = { kind: 'info', text: `${session.addition.label} was added.` };
      session.addition = null;
      return redirect('/settings/security');
    }
    case `POST ${PREFIX}/token`: {
      if (!app.passwordRecentlyConfirmed()) return app.askForPassword();
      const codes = [form.get('code1') ?? '', form.get('code2') ?? ''];
      const label = (form.get('label') ?? '').trim();
      const secret = (form.get('secret') ?? '').replace(/\s/g, '').toUpperCase();
      const result = await typed(() => twoFactor.addHotpToken(user.id, { secret, codes, label, proof: form.get('proof') ?? '' }));
      if (result.malformed) return securityPage(400, { tokenSecret: 'Enter the token secret in base32 (at least 16 bytes) and a name of 1–64 characters.' });
      if (!result.ok) return securityPage(result.reason === 'throttled' ? 429 : 400, { token: result.reason === 'invalid' ? 'Those codes or the confirmation code are not valid.' : message(result) });
      session.flash = { kind: 'info', text: `${label} was added.` };
      return redirect('/settings/security');
    }
    case `POST ${PREFIX}/rename`: {
      const renamed = await typed(() => twoFactor.renameFactor(user.id, factorId, (form.get('label') ?? '').trim()));
      if (renamed !== true) return securityPage(400, { [`rename-${factorId}`]: 'A name has 1–64 characters and no line breaks.' });
      session.flash = { kind: 'info', text: 'Renamed.' };
      return redirect('/settings/security');
    }
    case `POST ${PREFIX}/remove`: {
      // Checked before the code, which is then neither verified nor charged.
      if (!app.passwordRecentlyConfirmed()) return app.askForPassword();
      const result = await typed(() => twoFactor.removeFactor(user.id, factorId, form.get('code') ?? ''));
      if (!result.ok) return securityPage(result.reason === 'throttled' ? 429 : 400, { [`remove-${factorId}`]: result.malformed ? MESSAGES['unknown-factor'] : message(result) });
      session.flash = { kind: 'info', text: (await twoFactor.status(user.id)).state === 'enabled' ? 'Removed.' : 'Removed. Two-factor authentication is off.' };
      return redirect('/settings/security');
    }
  }
  return false;
}
