/**
 * The value of an environment variable a suite cannot run without. Unset, the suite fails to load: a
 * missing server is a failure, never a skip. `npm test` starts throwaway servers and sets the variables.
 */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: \`npm test\` starts a throwaway server and sets it; to run one file by hand, ` +
        '`node scripts/test-servers.mjs` starts servers and prints the variables to set',
    );
  }
  return value;
}
