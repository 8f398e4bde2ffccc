// `npm run example`: a new secret, its setup key and otpauth URI, and the code an authenticator app
// would show right now — verified the way a server would verify it.
import { buildOtpauthUri, encodeBase32, formatSetupKey, generateSecret, generateTotp, secondsRemaining, verifyTotp } from '../dist/index.js';

const secret = generateSecret(); // 20 bytes from crypto.getRandomValues
const uri = buildOtpauthUri({ type: 'totp', secret, accountName: 'alice@example.com', issuer: 'InworkJobs' });

const code = generateTotp(secret);
const result = verifyTotp(secret, code);

console.log(`secret (base32): ${encodeBase32(secret)}`);
console.log(`setup key:       ${formatSetupKey(secret)}  (typed in when the QR code cannot be scanned)`);
console.log(`otpauth URI:     ${uri}`);
console.log(`current code:    ${code}  (valid for ${secondsRemaining()} s more)`);
console.log(`verifyTotp:      ${JSON.stringify(result)}`);
console.log(`replayed:        ${JSON.stringify(verifyTotp(secret, code, { afterStep: result.valid ? result.step : undefined }))}`);
