// The frame every page shares, and the pieces the others reuse: plain HTML strings. Every value from outside
// goes through `h` (HTML-escaped); errors are role="alert" (read out at once), notices role="status"; every
// field has a <label>. The pages only render: they import nothing but each other.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** HTML-escapes text for element content and quoted attributes. */
export const h = (value) => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);

const SITE = 'InworkJobs Demo';

export function layout({ title, user, csrf, main }) {
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

export function notice(flash) {
  if (!flash) return '';
  return flash.kind === 'error'
    ? `<p class="alert" role="alert">${h(flash.text)}</p>`
    : `<p class="notice" role="status">${h(flash.text)}</p>`;
}

export function errorText(id, error) {
  return error ? `<p class="alert" role="alert" id="${id}">${h(error)}</p>` : '';
}

/**
 * A field for a 6-digit authenticator code: numeric keypad on phones, one-time-code autofill (iOS/Android
 * offer codes from messages and password managers), no spell-check or autocorrect mangling digits.
 * No `pattern`/`maxlength`: the server decides and answers with a message a screen reader announces,
 * instead of a browser tooltip (and "123 456" pasted with a space still works).
 */
export function codeField({ id, label, error, hint, autofocus = false }) {
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
