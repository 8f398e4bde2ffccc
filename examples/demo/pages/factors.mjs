// The Security tab's factor pieces: the list of factors with Rename and Remove, the two add forms, and the
// page that adds a second app (its QR code, its first code, and proof from an enabled factor).
import { csrfField, h, settingsLayout } from './layout.mjs';

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
export function addAppPage({ csrf, user, addition, error }) {
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
