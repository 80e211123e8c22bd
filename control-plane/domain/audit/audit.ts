import { randomUUID } from 'node:crypto';
import type { Prisma } from '../../../generated/prisma/client.ts';
import type { Principal } from '../../context.ts';
import { takeConfigVersion } from '../../snapshot/config-version.ts';
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

/** An audit entry's columns, but its id, time and config version. */
interface AuditRow {
  actorKind: string;
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  teamId: string | null;
  changes: Prisma.InputJsonValue;
}

/**
 * Writes a mutation's audit entries. `version`: the config version its transaction took, when it
 * changed what snapshots carry; `'take'` takes the next one here (takeConfigVersion), last in the
 * transaction, and returns it; null for a change snapshots do not carry.
 */
export async function writeAudit(
  tx: Prisma.TransactionClient,
  principal: Principal,
  action: string,
  records: AuditRecord[],
  version: number | 'take' | null = null,
): Promise<number | null> {
  const { actorKind, actorId } = actorOf(principal);
  const rows = records.map(
    (record): AuditRow => ({
      actorKind,
      actorId,
      action,
      entity: record.entity,
      entityId: record.entityId,
      teamId: record.teamId,
      changes: maskSecrets(record.changes) as Prisma.InputJsonValue,
    }),
  );
  if (version === 'take' && rows.length === 1) return insertTakingVersion(tx, rows[0]);
  const configVersion = version === 'take' ? await takeConfigVersion(tx) : version;
  const data = rows.map((row) => ({ ...row, configVersion }));
  // One entry (most mutations) as a `create`: Prisma caches no query plan for createMany, so each
  // call ran its query compiler (WebAssembly) again.
  if (data.length === 1) await tx.auditLogEntry.create({ data: data[0], select: { id: true } });
  else await tx.auditLogEntry.createMany({ data });
  return configVersion;
}

/**
 * Takes the next config version and writes the one audit entry with it, in one statement: the
 * version row's upsert is takeConfigVersion's (same lock, held to the end of the transaction), its
 * result feeds the entry's insert. As two statements through the model API they were a fifth of
 * a lone mutation's CPU, and a round trip under the version lock (issue 12). The columns as Prisma
 * writes them: a v4 UUID id (`@default(uuid())` is the client's), `createdAt` in UTC.
 * Raw SQL: a renamed column fails here when run, not when type-checked; crud-teams.test.ts reads
 * the entries back, snapshot-content.test.ts their config versions.
 */
async function insertTakingVersion(tx: Prisma.TransactionClient, row: AuditRow): Promise<number> {
  const [inserted] = await tx.$queryRaw<{ configVersion: number }[]>`
    WITH "taken" AS (
      INSERT INTO "ConfigVersion" ("id", "version") VALUES (1, 1)
      ON CONFLICT ("id") DO UPDATE SET "version" = "ConfigVersion"."version" + 1
      RETURNING "version")
    INSERT INTO "AuditLogEntry" ("id", "createdAt", "actorKind", "actorId", "teamId", "action", "entity", "entityId", "changes", "configVersion")
    SELECT ${randomUUID()}, ${new Date()}::timestamp(3), ${row.actorKind}, ${row.actorId}, ${row.teamId}, ${row.action}, ${row.entity},
      ${row.entityId}, ${JSON.stringify(row.changes)}::jsonb, "taken"."version"
    FROM "taken"
    RETURNING "configVersion"`;
  return inserted.configVersion;
}
