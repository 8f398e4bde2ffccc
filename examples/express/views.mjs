// The pages, as plain HTML strings. Every value from outside goes through `h` (HTML-escaped); errors are
// role="alert"; every field has a label; code fields get the numeric keypad and one-time-code autofill.
const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const h = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
const date = (ms) => new Date(ms).toISOString().slice(0, 10);

function layout(title, { csrf, user }, main) {
  const signOut = user ? `<form method="post" action="/logout">${token(csrf)}<button>Sign out</button></form>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${h(title)}</title></head>
<body><header><a href="/account">Account</a> ${user ? '· <a href="/settings/security">Settings → Security</a>' : ''} ${signOut}</header>
<main><h1>${h(title)}</h1>${main}</main></body></html>`;
}

const token = (csrf) => `<input type="hidden" name="_csrf" value="${h(csrf)}">`;
const alert = (text) => (text ? `<p role="alert">${h(text)}</p>` : '');
const notice = (text) => (text ? `<p role="status">${h(text)}</p>` : '');
const codeField = (name = 'code', label = 'Code from your authenticator app') =>
  `<label>${h(label)} <input name="${name}" inputmode="numeric" autocomplete="one-time-code" autocapitalize="off" spellcheck="false" required></label>`;

export const login = (v) =>
  layout('Sign in', v, `${notice(v.flash)}${alert(v.error)}
<form method="post" action="/login">${token(v.csrf)}
<label>Email <input name="email" type="email" autocomplete="username" value="${h(v.email)}" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button>Sign in</button></form>`);

export const code = (v) =>
  layout('Two-factor authentication', v, `${alert(v.error)}
<form method="post" action="/login/code">${token(v.csrf)}
${codeField('code', 'Code from your authenticator app, or one of your backup codes')}
<label><input type="checkbox" name="trust"> Trust this browser for 30 days</label>
<button>Verify</button></form>
<p><a href="/login">Sign in as someone else</a></p>`);

export const account = (v) =>
  layout('Account', v, `${notice(v.flash)}<p>Signed in as ${h(v.user.email)}.</p>
<p><a href="/settings/security">Settings → Security</a></p>`);

export const security = (v) => {
  const on = v.state.state === 'enabled';
  const factors = v.state.factors
    .map((f) => `<li>${h(f.label)} (added ${date(f.createdAt)})
<form method="post" action="/settings/security/remove">${token(v.csrf)}<input type="hidden" name="factorId" value="${h(f.id)}">
${codeField('code', `Code from any app, to remove “${f.label}”`)}<button>Remove</button></form></li>`)
    .join('');
  const enable = `<form method="post" action="/settings/security/enable">${token(v.csrf)}
${on ? '<label>Name of the new app <input name="label" value="New phone" maxlength="64"></label>' : ''}<button>${on ? 'Add another app' : 'Enable'}</button></form>`;
  const manage = `<h2>Your apps</h2><ul id="factors">${factors}</ul>
<p>${v.state.backupCodesRemaining} backup codes left.</p>
<form method="post" action="/settings/security/regenerate">${token(v.csrf)}${codeField()}<button>Regenerate backup codes</button></form>
<form method="post" action="/settings/security/disable">${token(v.csrf)}${codeField()}<button>Disable 2FA</button></form>
<h2>Trusted browsers</h2><p>Browsers where you ticked “Trust this browser” skip the code for 30 days.</p>
<form method="post" action="/settings/security/devices/revoke">${token(v.csrf)}<button>Revoke all trusted browsers</button></form>`;
  return layout('Security', v, `${notice(v.flash)}${alert(v.error)}<h2>Two-Factor Authentication</h2>
<p>Status: <strong id="status">${on ? 'On' : 'Off'}</strong></p>${v.enrollment ? setup(v, on) : enable}${on ? manage : ''}`);
};

// The pending set-up: the QR code (an SVG the library drew) and the setup key, then "Verify & Enable".
const setup = (v, adding) => `<section id="setup"><h2>Set up ${h(v.enrollment.label)}</h2>
<p>Scan this QR code with your authenticator app:</p><figure>${v.enrollment.qrSvg}</figure>
<p>Or type this setup key: <code id="setup-key">${h(v.enrollment.setupKey)}</code></p>
<form method="post" action="/settings/security/confirm">${token(v.csrf)}
${codeField('code', 'Code from the new app')}
${adding ? codeField('proof', 'Code from an app you already use, or a backup code') : ''}
<button>Verify &amp; Enable</button></form></section>`;

export const codes = (v) =>
  layout('Your backup codes', v, `<p>Each code works once. Save them now: they are not shown again.</p>
<ul id="backup-codes">${v.codes.map((c) => `<li><code>${h(c)}</code></li>`).join('')}</ul>
<p><a href="/settings/security">Done</a></p>`);

export const stepUp = (v) =>
  layout('Confirm it’s you', v, `${alert(v.error)}<p>Enter a code to continue. You will not be asked again for 10 minutes.</p>
<form method="post" action="/settings/security/step-up">${token(v.csrf)}${codeField()}<button>Confirm</button></form>`);

export const error = (v) => layout('Something went wrong', v, alert(v.message));
