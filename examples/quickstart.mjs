// `npm run example`: a new secret, its setup key and otpauth URI, and the code an authenticator app
// would show right now — verified the way a server would verify it.
import { encodeBase32, formatSetupKey, generateSecret, generateTotp, secondsRemaining, verifyTotp } from '../dist/index.js';

const secret = generateSecret(); // 20 bytes from crypto.getRandomValues
const base32 = encodeBase32(secret);
const issuer = 'InworkJobs';
const account = 'alice@example.com';
const uri = `otpauth://totp/${encodeURIComponent(issuer)}:${encodeURIComponent(account)}?secret=${base32}&issuer=${encodeURIComponent(issuer)}`;

const code = generateTotp(secret);
const result = verifyTotp(secret, code);

console.log(`secret (base32): ${base32}`);
console.log(`setup key:       ${formatSetupKey(secret)}`);
console.log(`otpauth URI:     ${uri}`);
console.log(`current code:    ${code}  (valid for ${secondsRemaining()} s more)`);
console.log(`verifyTotp:      ${JSON.stringify(result)}`);
console.log(`replayed:        ${JSON.stringify(verifyTotp(secret, code, { afterStep: result.valid ? result.step : undefined }))}`);
