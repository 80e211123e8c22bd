import type { Prisma } from '../../../generated/prisma/client.ts';
import type { Principal } from '../../context.ts';
import { actorOf } from '../access.ts';

/**
 * Field names whose values never reach the audit log: provider credentials, key and token
 * secrets and their hashes. Matched at any depth of a change record.
 */
const SECRET_FIELDS = new Set(['apiKey', 'secret', 'token', 'credential', 'credentialCiphertext', 'hash', 'previousHash', 'tokenHash', 'password']);
export const MASK = '[redacted]';

/** A JSON-safe copy of `value` with every secret field replaced by {@link MASK}. */
export function maskSecrets(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, SECRET_FIELDS.has(k) && v !== null ? MASK : maskSecrets(v)]),
    );
  }
  return value;
}

/** One audited change, written in the same transaction as the change itself. */
export interface AuditRecord {
  entity: string;
  entityId: string | null;
  /** The team the object belongs to (null for platform objects). */
  teamId: string | null;
  /** The input as given (masked here), or a summary of what changed. */
  changes: Record<string, unknown>;
}

/** `configVersion`: the config version the mutation's transaction took, when it changed what snapshots carry. */
export async function writeAudit(
  tx: Prisma.TransactionClient,
  principal: Principal,
  action: string,
  records: AuditRecord[],
  configVersion: number | null = null,
): Promise<void> {
  const { actorKind, actorId } = actorOf(principal);
  const data = records.map((record) => ({
    actorKind,
    actorId,
    action,
    entity: record.entity,
    entityId: record.entityId,
    teamId: record.teamId,
    changes: maskSecrets(record.changes) as Prisma.InputJsonValue,
    configVersion,
  }));
  // One entry (most mutations) as a `create`: Prisma caches no query plan for createMany, so each
  // call ran its query compiler (WebAssembly) again.
  if (data.length === 1) await tx.auditLogEntry.create({ data: data[0], select: { id: true } });
  else await tx.auditLogEntry.createMany({ data });
}
