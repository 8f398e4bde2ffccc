// Types of the demo server's start(), for the end-to-end test (the demo itself is plain JavaScript).
import type { TwoFactor } from '@inworkjobs/two-factor/server';

export interface DemoOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** SQLite database file; default examples/demo/.data/demo.db. Ignored with `databaseUrl`. */
  dbFile?: string;
  /** PostgreSQL connection string: use the PostgreSQL store instead of SQLite. */
  databaseUrl?: string;
  /** Redis URL (`redis://127.0.0.1:6379`): use the Redis store instead of SQLite (wins over `databaseUrl`). */
  redisUrl?: string;
  /** 32-byte AES-256-GCM key for secrets at rest; default DEMO_ENCRYPTION_KEY or a key file beside the database. */
  encryptionKey?: Uint8Array;
  /** Clock, epoch milliseconds. */
  now?: () => number;
  /** Start-up and audit lines; default console.log. */
  log?: (line: string) => void;
  /** Most sessions held in memory; default 10,000. */
  maxSessions?: number;
  /** Most sign-in throttle counters held in memory; default 10,000. */
  maxThrottleEntries?: number;
  /** Take `X-Forwarded-Proto: https` as https (the trusted-browser cookie gets `Secure`); default DEMO_TRUST_PROXY=1, else false. */
  trustProxy?: boolean;
}

export interface Demo {
  url: string;
  port: number;
  storage: string;
  encryptionKeySource: string;
  twoFactor: TwoFactor;
  /** Sessions held in memory now. */
  sessionCount(): number;
  /** Sign-in throttle counters held in memory now. */
  throttleEntryCount(): number;
  close(): Promise<void>;
}

export declare const DEMO_USER: Readonly<{ id: string; email: string; password: string }>;
export declare const ISSUER: string;
export declare const DEFAULT_DB_FILE: string;
export declare function start(options?: DemoOptions): Promise<Demo>;
