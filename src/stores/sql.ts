// What the SQL stores share: the table-name rule, argument checks and the validation of what a database
// hands back. Not an entry point; each store bundles its own copy.
import { TwoFactorError } from '../errors.js';
import { describe, fail, optionsObject } from '../internal/assert.js';
import { randomBelow } from '../internal/random.js';
import { assertUserId } from '../server/record/user-id.js';

/** The table used when `table` is not given. */
export const DEFAULT_TABLE = 'two_factor';

// The PostgreSQL limit (NAMEDATALEN - 1 = 63 bytes); ASCII only, so characters = bytes. SQLite accepts the same.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const TABLE_RULE = 'a table name such as "two_factor" or "auth.two_factor" (each part a letter or _, then letters, digits or _, at most 63)';

/**
 * The `table` option as a quoted SQL identifier (`"schema"."table"` or `"table"`). Every part must match
 * IDENTIFIER, so a double quote can never reach the SQL text: quoting only keeps reserved words and case.
 */
export function quotedTable(value: unknown): string {
  if (value === undefined) return `"${DEFAULT_TABLE}"`;
  if (typeof value !== 'string') fail('INVALID_OPTION', 'table', TABLE_RULE, value);
  const parts = value.split('.');
  if (parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) fail('INVALID_OPTION', 'table', TABLE_RULE, value);
  return parts.map((part) => `"${part}"`).join('.');
}

/** The store options object: `{ table?: string }`. Returns the quoted table name. */
export function storeOptions(options: { table?: string } | undefined): string {
  return quotedTable(optionsObject(options).table);
}

/** The arguments of `compareAndSet`, checked once; returns the record serialised as JSON text (or null). */
export function casArguments(userId: unknown, expectedVersion: unknown, next: unknown): string | null {
  assertUserId(userId);
  if (expectedVersion !== null && (typeof expectedVersion !== 'number' || !Number.isSafeInteger(expectedVersion))) {
    fail('INVALID_OPTION', 'expectedVersion', 'null or a safe integer', expectedVersion);
  }
  if (next === null) return null;
  if (typeof next !== 'object' || Array.isArray(next)) fail('INVALID_OPTION', 'next', 'null or a JSON-serialisable object', next);
  let json: string;
  try {
    json = JSON.stringify(next);
  } catch {
    // A bigint or a cycle; the record is the library's own object, so this is a programming error.
    fail('INVALID_OPTION', 'next', 'null or a JSON-serialisable object', next);
  }
  return json;
}

/**
 * The version of a newly inserted row: random in [1, 2^48) instead of 1, so that a writer holding the
 * version of a row that was deleted and re-created in the meantime cannot overwrite the new row
 * (the ABA problem: think of `reset()` followed by a fresh enrolment while an old `verify()` is in flight).
 * Later writes add 1, which stays a safe integer for longer than any row will live.
 */
export function initialVersion(): number {
  // 2^48 from two draws: 24 high bits and 24 low bits.
  return randomBelow(2 ** 24) * 2 ** 24 + randomBelow(2 ** 24) + 1;
}

/**
 * A row read back from the database, validated: the record must be a JSON object (SQLite hands back
 * text, PostgreSQL an already-parsed value, or text under a custom type parser) and the version a
 * safe integer (pg returns BIGINT as a string). Anything else is a STORE_ERROR, never a bare TypeError.
 */
export function storedRow(row: unknown): { record: Record<string, unknown>; version: number } {
  if (row === null || typeof row !== 'object') {
    throw new TwoFactorError('STORE_ERROR', `"row" must be an object with record and version, got ${describe(row)}`);
  }
  const { record, version } = row as { record?: unknown; version?: unknown };
  let parsed = record;
  if (typeof record === 'string') {
    try {
      parsed = JSON.parse(record);
    } catch (cause) {
      throw new TwoFactorError('STORE_ERROR', `"record" must be a JSON object, got ${describe(record)}`, { cause });
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    fail('STORE_ERROR', 'record', 'a JSON object', parsed);
  }
  return { record: parsed as Record<string, unknown>, version: versionValue(version) };
}

function versionValue(value: unknown): number {
  let n: number | undefined;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint') n = Number(value);
  else if (typeof value === 'string' && /^-?\d{1,16}$/.test(value)) n = Number(value);
  if (n === undefined || !Number.isSafeInteger(n)) fail('STORE_ERROR', 'version', 'a safe integer', value);
  return n;
}
