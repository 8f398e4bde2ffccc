// A store over a model delegate of the application's own Prisma 7 client (e.g. `prisma.twoFactorRecord`),
// engine-free with a driver adapter. Nothing of Prisma is imported: the store calls four delegate methods.
import type { StoredRecord, TwoFactorRecord, TwoFactorStore } from '../server/index.js';
import { fail } from '../internal/assert.js';
import { randomBelow } from '../internal/random.js';
import { lostRace } from './lost-race.js';
import { assertUserId, casArguments, initialVersion, storedRow } from './sql.js';

/**
 * The part of a Prisma model delegate the store uses, for a model with `userId String @id`,
 * `record String` and `version BigInt` (or `Int`). A generated `prisma.twoFactorRecord` satisfies it.
 */
export interface PrismaTwoFactorDelegate {
  /** Reads the row of one user id (`where: { userId }`). */
  findUnique(args: any): PromiseLike<unknown>;
  /** Inserts a new user's row; a unique violation (`P2002`) means another writer was first. */
  create(args: any): PromiseLike<unknown>;
  /** Writes the row where user id and version match; `count` 1 means it was written. */
  updateMany(args: any): PromiseLike<{ count: number }>;
  /** Deletes the row where user id and version match; `count` 1 means it was deleted. */
  deleteMany(args: any): PromiseLike<{ count: number }>;
  /** Prisma's field references; `fields.version.typeName` tells `Int` from `BigInt`. */
  readonly fields?: unknown;
}

/**
 * The Prisma model block of the store, for your `schema.prisma` (PostgreSQL, SQLite, MySQL alike).
 * `version BigInt` lets a new row start at a random version in [1, 2^48); with `version Int` the store
 * keeps to [1, 2^31 - 2^24), so a re-created row repeats an old version with a chance of 2^-31 instead of 2^-48.
 *
 * @example
 * ```ts
 * PRISMA_MODEL.startsWith('model TwoFactorRecord {'); // true
 * ```
 */
export const PRISMA_MODEL = `model TwoFactorRecord {
  userId  String @id @map("user_id")
  record  String
  version BigInt

  @@map("two_factor_record")
}`;

// Room left above an Int model's first version for 2^24 updates before a 32-bit column overflows.
const INT_START_BOUND = 2 ** 31 - 2 ** 24;

/**
 * The SQL that creates the model's table, for the engines Prisma's CLI cannot reach from your deploy
 * (or to review what `prisma migrate` would make): PostgreSQL and SQLite.
 *
 * @param provider - `'postgresql'` or `'sqlite'`
 * @returns one `CREATE TABLE IF NOT EXISTS` statement for the table of {@link PRISMA_MODEL}
 * @throws TwoFactorError `INVALID_OPTION` for another provider
 *
 * @example
 * ```ts
 * console.log(prismaSchemaSql('postgresql'));
 * ```
 */
export function prismaSchemaSql(provider: 'postgresql' | 'sqlite'): string {
  if (provider !== 'postgresql' && provider !== 'sqlite') fail('INVALID_OPTION', 'provider', "'postgresql' or 'sqlite'", provider);
  const [text, bigint] = provider === 'postgresql' ? ['TEXT', 'BIGINT'] : ['TEXT', 'INTEGER'];
  return `CREATE TABLE IF NOT EXISTS "two_factor_record" (
  "user_id" ${text} NOT NULL PRIMARY KEY,
  "record"  ${text} NOT NULL,
  "version" ${bigint} NOT NULL
)`;
}

/**
 * A {@link TwoFactorStore} over a model of your Prisma 7 client (the `prisma-client` generator with a driver
 * adapter: `@prisma/adapter-pg`, `@prisma/adapter-better-sqlite3`), given its delegate, e.g.
 * `new PrismaStore(prisma.twoFactorRecord)`; the model is {@link PRISMA_MODEL}.
 *
 * Compare-and-set is one conditional statement each: `updateMany` / `deleteMany` where `userId` and
 * `version` both match (its `count` says whether it matched), and `create` for a new row, whose unique
 * violation (`P2002`) means another writer created it first: `false`. Pass the client's delegate, not one
 * of an interactive transaction: each call must be its own statement.
 *
 * The store never disconnects your client. Database failures reject with Prisma's error and leave the
 * row as it was.
 *
 * @example
 * ```ts
 * import { PrismaPg } from '@prisma/adapter-pg';
 * import { PrismaClient } from './generated/prisma/client';
 * import { createTwoFactor } from '@inworkjobs/two-factor/server';
 * import { PrismaStore } from '@inworkjobs/two-factor/stores/prisma';
 *
 * const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL }) });
 * const twoFactor = createTwoFactor({ store: new PrismaStore(prisma.twoFactorRecord), issuer: 'InworkJobs' });
 * ```
 */
export class PrismaStore implements TwoFactorStore {
  readonly #model: PrismaTwoFactorDelegate;
  readonly #intVersion: boolean;

  /**
   * @param delegate - the model delegate, e.g. `prisma.twoFactorRecord`; the store never disconnects the client
   * @throws TwoFactorError `INVALID_OPTION` for a `delegate` without findUnique/create/updateMany/deleteMany
   */
  constructor(delegate: PrismaTwoFactorDelegate) {
    const methods = ['findUnique', 'create', 'updateMany', 'deleteMany'] as const;
    if (delegate === null || typeof delegate !== 'object' || !methods.every((m) => typeof delegate[m] === 'function')) {
      fail('INVALID_OPTION', 'delegate', 'a Prisma model delegate such as prisma.twoFactorRecord', delegate);
    }
    this.#model = delegate;
    this.#intVersion = (delegate.fields as { version?: { typeName?: unknown } } | undefined)?.version?.typeName === 'Int';
  }

  /**
   * The user's record and its version, or null when the user has none.
   *
   * @throws TwoFactorError `STORE_ERROR` when the row holds no JSON object or no integer version;
   *   `INVALID_OPTION` for a malformed user id; Prisma's error when the database fails
   */
  async get(userId: string): Promise<StoredRecord | null> {
    const row = await this.#model.findUnique({ where: { userId: assertUserId(userId) }, select: { record: true, version: true } });
    if (row === null || row === undefined) return null;
    const { record, version } = storedRow(row);
    return { record: record as unknown as TwoFactorRecord, version };
  }

  /**
   * Writes `next` (null deletes) only if the stored version is still `expectedVersion` (null = no row).
   * One statement, no read-then-write window.
   *
   * @returns true when written; false when the row changed (or appeared, or vanished) since it was read
   * @throws TwoFactorError `INVALID_OPTION` for malformed arguments; Prisma's error when the database fails
   */
  async compareAndSet(userId: string, expectedVersion: number | null, next: TwoFactorRecord | null): Promise<boolean> {
    const json = casArguments(userId, expectedVersion, next);
    try {
      if (expectedVersion === null) {
        // Nothing expected and nothing to write: it holds exactly when there is still no row.
        if (json === null) return (await this.get(userId)) === null;
        const version = this.#intVersion ? randomBelow(INT_START_BOUND) + 1 : initialVersion();
        await this.#model.create({ data: { userId, record: json, version }, select: { userId: true } });
        return true;
      }
      const where = { userId, version: expectedVersion };
      const { count } =
        json === null
          ? await this.#model.deleteMany({ where })
          : await this.#model.updateMany({ where, data: { record: json, version: { increment: 1 } } });
      return count === 1;
    } catch (error) {
      if (lostRace(error)) return false;
      throw error;
    }
  }
}
