// HOTP codes from oathtool (the independent oracle), for tests that register and use hardware tokens.
import { execFileSync } from 'node:child_process';

/** The codes of `secret` (base32) at counters `counter` … `counter + count − 1`, computed by `oathtool --hotp`. */
export function oathHotp(secret: string, counter: number, count = 1, digits = 6): string[] {
  const out = execFileSync('oathtool', ['--hotp', '--base32', `--digits=${digits}`, `--counter=${counter}`, `--window=${count - 1}`, secret], { encoding: 'utf8' });
  return out.trim().split('\n');
}

/** The TOTP code of `secret` (base32) at `timeMs` (epoch ms), 30-second steps, computed by `oathtool --totp`. */
export function oathTotp(secret: string, timeMs: number, digits = 6): string {
  const at = `@${Math.floor(timeMs / 1000)}`;
  return execFileSync('oathtool', ['--totp', '--base32', `--digits=${digits}`, `--now=${at}`, secret], { encoding: 'utf8' }).trim();
}
