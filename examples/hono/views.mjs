// The pages, with Hono's `html` template: every interpolated value is HTML-escaped unless wrapped in `raw`
// (only the QR code, an SVG the library drew). Errors are role="alert"; every field has a label; code fields
// get the numeric keypad and one-time-code autofill. CSRF needs no field here: Hono's csrf() checks the Origin.
import { html, raw } from 'hono/html';

const date = (ms) => new Date(ms).toISOString().slice(0, 10);
const alert = (text) => (text ? html`<p role="alert">${text}</p>` : '');
const notice = (text) => (text ? html`<p role="status">${text}</p>` : '');
const codeField = (name = 'code', label = 'Code from your authenticator app') =>
  html`<label>${label} <input name="${name}" inputmode="numeric" autocomplete="one-time-code" autocapitalize="off" spellcheck="false" required></label>`;

const layout = (title, v, main) => html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><header><a href="/account">Account</a>
${v.user ? html`· <a href="/settings/security">Settings → Security</a> <form method="post" action="/logout"><button>Sign out</button></form>` : ''}</header>
<main><h1>${title}</h1>${notice(v.flash)}${alert(v.error)}${main}</main></body></html>`;

export const login = (v) =>
  layout('Sign in', v, html`<form method="post" action="/login">
<label>Email <input name="email" type="email" autocomplete="username" value="${v.email ?? ''}" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button>Sign in</button></form>`);

export const code = (v) =>
  layout('Two-factor authentication', v, html`<form method="post" action="/login/code">
${codeField('code', 'Code from your authenticator app, or one of your backup codes')}
<label><input type="checkbox" name="trust"> Trust this browser for 30 days</label>
<button>Verify</button></form>
<p><a href="/login">Sign in as someone else</a></p>`);

export const account = (v) => layout('Account', v, html`<p>Signed in as ${v.user.email}.</p><p><a href="/settings/security">Settings → Security</a></p>`);

const factor = (f) => html`<li>${f.label} (added ${date(f.createdAt)})
<form method="post" action="/settings/security/remove"><input type="hidden" name="factorId" value="${f.id}">
${codeField('code', `Code from any app, to remove “${f.label}”`)}<button>Remove</button></form></li>`;

// The pending set-up: the QR code (an SVG the library drew) and the setup key, then "Verify & Enable".
const setup = (enrollment, adding) => html`<section id="setup"><h2>Set up ${enrollment.label}</h2>
<p>Scan this QR code with your authenticator app:</p><figure>${raw(enrollment.qrSvg)}</figure>
<p>Or type this setup key: <code id="setup-key">${enrollment.setupKey}</code></p>
<form method="post" action="/settings/security/confirm">${codeField('code', 'Code from the new app')}
${adding ? codeField('proof', 'Code from an app you already use, or a backup code') : ''}
<button>Verify &amp; Enable</button></form></section>`;

export const security = (v) => {
  const on = v.state.state === 'enabled';
  const enable = html`<form method="post" action="/settings/security/enable">
${on ? html`<label>Name of the new app <input name="label" value="New phone" maxlength="64"></label>` : ''}<button>${on ? 'Add another app' : 'Enable'}</button></form>`;
  const manage = html`<h2>Your apps</h2><ul id="factors">${v.state.factors.map(factor)}</ul>
<p>${v.state.backupCodesRemaining} backup codes left.</p>
<form method="post" action="/settings/security/regenerate">${codeField()}<button>Regenerate backup codes</button></form>
<form method="post" action="/settings/security/disable">${codeField()}<button>Disable 2FA</button></form>
<h2>Trusted browsers</h2><p>Browsers where you ticked “Trust this browser” skip the code for 30 days.</p>
<form method="post" action="/settings/security/devices/revoke"><button>Revoke all trusted browsers</button></form>`;
  return layout('Security', v, html`<h2>Two-Factor Authentication</h2>
<p>Status: <strong id="status">${on ? 'On' : 'Off'}</strong></p>${v.enrollment ? setup(v.enrollment, on) : enable}${on ? manage : ''}`);
};

export const codes = (v) =>
  layout('Your backup codes', v, html`<p>Each code works once. Save them now: they are not shown again.</p>
<ul id="backup-codes">${v.codes.map((c) => html`<li><code>${c}</code></li>`)}</ul><p><a href="/settings/security">Done</a></p>`);

export const stepUp = (v) =>
  layout('Confirm it’s you', v, html`<p>Enter a code to continue. You will not be asked again for 10 minutes.</p>
<form method="post" action="/settings/security/step-up">${codeField()}<button>Confirm</button></form>`);

export const error = (v) => layout('Something went wrong', v, '');
