// Adding a factor: the backup codes a first factor brings.
import { generateBackupCodes } from '../../backup-codes/codes.js';
import { hashBackupCodes } from '../../backup-codes/hash.js';
import type { ServiceContext } from './context.js';

/** A fresh backup-code set, made and hashed at most once per call however often the compare-and-set is retried. @internal */
export function freshBackupCodes(ctx: ServiceContext): () => Promise<{ codes: string[]; hashed: string }> {
  let batch: Promise<{ codes: string[]; hashed: string }> | undefined;
  const { count, length, cost } = ctx.backupCodes;
  return () => {
    batch ??= (async () => {
      const codes = generateBackupCodes({ count, length });
      return { codes, hashed: await hashBackupCodes(codes, cost === undefined ? undefined : { cost }) };
    })();
    return batch;
  };
}
