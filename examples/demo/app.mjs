// The demo app: the two-factor service, and which flow answers which request. Each flow (flows/) reads top
// to bottom: parse the form, call the library, branch on the result, render or redirect. web/ holds the HTTP
// plumbing (sessions, CSRF, cookies, form bodies, headers, the login throttle); pages/ only renders HTML.
import { createTwoFactor } from '@inworkjobs/two-factor/server';
import { createAccounts } from './accounts.mjs';
import { createRouter } from './router.mjs';
import * as account from './flows/account.mjs';
import { withRecentSecondFactor as stepUp, page as confirmCodePage, submit as confirmCode } from './flows/confirm-code.mjs';
import { withRecentPassword as sudo, page as confirmPasswordPage, submit as confirmPassword } from './flows/confirm-password.mjs';
import * as enrolment from './flows/enrolment.mjs';
import * as factors from './flows/factors.mjs';
import * as signIn from './flows/sign-in.mjs';
import * as trustedDevices from './flows/trusted-devices.mjs';
import { createLoginThrottle } from './web/login-throttle.mjs';
import { createRequestHandler } from './web/request.mjs';
import { createSessions } from './web/sessions.mjs';

export const ISSUER = 'InworkJobs Demo';
const ENCRYPTION_KEY_ID = 'demo-1';
// Routes are for signed-in users unless marked ANYONE. Checked before any code in the form: sudo(…) needs a
// password typed in the last 10 minutes (flows/confirm-password.mjs: Enable, when no second factor exists
// yet); stepUp(…) a second factor verified in the last 10 minutes when 2FA is on, else the password
// (flows/confirm-code.mjs).
const ANYONE = { signedIn: false };

/**
 * The app over `store`: `handle(req, res)` answers a request; `sessions` and `loginThrottle` are exposed for
 * their sizes. `encryptionKey` (32 bytes) seals the factor secrets at rest (AES-256-GCM).
 */
export function createApp({ store, encryptionKey, users, assets, now, log, host, maxSessions, maxThrottleEntries, trustProxy }) {
  const twoFactor = createTwoFactor({
    store,
    issuer: ISSUER,
    encryption: { keys: { [ENCRYPTION_KEY_ID]: encryptionKey }, current: ENCRYPTION_KEY_ID },
    now,
    // Events carry user ids, times and counts — never a secret or a code — so they can go to any log.
    onEvent: (event) => log(`[2fa] ${event.type} ${JSON.stringify(event)}`),
  });
  const loginThrottle = createLoginThrottle({ now, maxEntries: maxThrottleEntries });
  const app = { twoFactor, accounts: createAccounts(users), loginThrottle, now, trustProxy, issuer: ISSUER };

  const router = createRouter();
  router.get('/', signIn.home, ANYONE);
  router.get('/login', signIn.passwordPage, ANYONE);
  router.post('/login', signIn.checkPassword, ANYONE);
  router.get('/login/code', signIn.codePage, ANYONE);
  router.post('/login/code', signIn.checkCode, ANYONE);
  router.post('/login/cancel', signIn.cancel, ANYONE);
  router.post('/logout', signIn.signOut, ANYONE);

  router.get('/account', account.dashboard);
  router.get('/settings', account.profile);
  router.get('/settings/security', account.security);
  router.get('/confirm-password', confirmPasswordPage);
  router.post('/confirm-password', confirmPassword);
  router.get('/confirm-code', confirmCodePage);
  router.post('/confirm-code', confirmCode);

  router.post('/settings/security/2fa/enable', sudo(enrolment.begin));
  router.get('/settings/security/2fa/setup', enrolment.setupPage);
  router.post('/settings/security/2fa/confirm', enrolment.confirm);
  router.get('/settings/security/2fa/backup-codes', enrolment.backupCodesPage);
  router.post('/settings/security/2fa/regenerate', stepUp(enrolment.regenerate));
  router.post('/settings/security/2fa/disable', stepUp(enrolment.disable));

  router.post('/settings/security/factors/app', stepUp(factors.addApp));
  router.get('/settings/security/factors/app', factors.addAppPage);
  router.post('/settings/security/factors/app/confirm', factors.confirmApp);
  router.post('/settings/security/factors/token', stepUp(factors.addToken));
  router.post('/settings/security/factors/rename', factors.rename);
  router.post('/settings/security/factors/remove', stepUp(factors.remove));

  router.post('/settings/security/trusted-devices/revoke', stepUp(trustedDevices.revoke));
  router.post('/settings/security/trusted-devices/revoke-all', stepUp(trustedDevices.revokeAll));

  const sessions = createSessions({ now, max: maxSessions, trustProxy });
  const handle = createRequestHandler({ router, sessions, assets, host, app });
  return { handle, twoFactor, sessions, loginThrottle };
}
