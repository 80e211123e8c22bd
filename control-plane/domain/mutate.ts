import type { Prisma } from '../../generated/prisma/client.ts';
import type { GraphQLContext } from '../context.ts';
import type { CommittedChange } from '../snapshot/kept-compile.ts';
import { type AuditRecord, writeAudit } from './audit/audit.ts';
import { ConflictError } from './errors.ts';

export type Tx = Prisma.TransactionClient;

/**
 * Mutations queue on the config version row (one at a time across replicas, each for the end of
 * its transaction only): a burst must wait for a connection and the lock longer than Prisma's
 * 2 s default allows, rather than fail.
 */
const MUTATION_TRANSACTION = { maxWait: 15_000, timeout: 20_000 } as const;

export interface MutationOutcome<T> {
  result: T;
  audit: AuditRecord | AuditRecord[];
  /** False for changes the snapshot does not carry (members, audit-only); default true. */
  snapshot?: boolean;
}

/**
 * Runs one mutation: its reads, checks and writes and its audit entry in one transaction; then,
 * after the commit, waits for one snapshot publication (coalesced with any concurrent ones by the
 * publisher, so a burst of mutations yields few complete snapshots, never partial ones).
 *
 * Inside `work` use only `tx`: on PGlite (one connection) the outer client would wait for the
 * transaction that is waiting for it.
 */
export async function runMutation<T>(ctx: GraphQLContext, action: string, work: (tx: Tx) => Promise<MutationOutcome<T>>): Promise<T> {
  let outcome: MutationOutcome<T>;
  let change: CommittedChange | null = null;
  try {
    outcome = await ctx.prisma.$transaction(async (tx) => {
      const out = await work(tx);
      const records = Array.isArray(out.audit) ? out.audit : [out.audit];
      // Last, so the version row is locked only for the end of the transaction.
      const configVersion = await writeAudit(tx, ctx.principal, action, records, out.snapshot === false ? null : 'take');
      if (configVersion !== null) {
        const entries = records.map(({ entity, entityId, teamId }) => ({ entity, entityId, teamId, configVersion }));
        change = { version: configVersion, entries, patch: await ctx.snapshots.compileWithin(tx, configVersion, entries) };
      }
      return out;
    }, MUTATION_TRANSACTION);
  } catch (error) {
    throw asConflict(error);
  }
  if (change) {
    // The change is committed whatever happens now: a failed publication is retried by the
    // publisher, and the caller must not be told the mutation failed (a retry would conflict).
    // Its audit entries go with it: the publisher need not read them back.
    await ctx.snapshots.publish(change).catch(() => undefined);
  }
  return outcome.result;
}

/** Database constraint failures that validation did not catch first, as typed conflicts. */
function asConflict(error: unknown): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'P2002') return new ConflictError('an object with these unique values already exists', uniqueField(error));
  if (code === 'P2003') return new ConflictError('the object is still referenced by others', 'id');
  return error;
}

function uniqueField(error: unknown): string {
  const meta = (error as { meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: string[] } } } } }).meta;
  const fields = meta?.driverAdapterError?.cause?.constraint?.fields ?? (Array.isArray(meta?.target) ? (meta.target as string[]) : []);
  return fields.map((f) => f.replace(/"/g, '')).join(',') || 'id';
}
