import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsageIngestor } from '../../control-plane/usage/ingest-usage.ts';
import { prismaQuery, storeBatch } from '../../control-plane/usage/ledger-sql.ts';
import { createLiveEvents } from '../../control-plane/usage/live-events.ts';
import { type ControlPlaneHarness, startControlPlaneHarness } from '../support/control-plane-harness.ts';
import { isReachable, postgresUrl } from '../support/services.ts';
import { usageEvent } from '../support/usage-events.ts';

// Real PostgreSQL when there is one (faster to start than PGlite); the same SQL runs on both.
const pgUp = await isReachable(postgresUrl());

describe("a key's lastUsedAt, moved by the batch's store statement", () => {
  let h: ControlPlaneHarness;
  let teamId: string;
  let keyId: string;
  beforeAll(async () => {
    h = await startControlPlaneHarness({ postgresUrl: pgUp ? postgresUrl() : undefined });
    teamId = (await h.database.prisma.team.findFirstOrThrow()).id;
    keyId = (await h.database.prisma.apiKey.create({ data: { teamId, name: 'last used', prefix: 'tg_lastused', hash: 'last-used-hash', allowedModels: [] } }))
      .id;
  });
  afterAll(async () => h?.close());

  const lastUsedAt = async () => {
    const result = await h.gql('query($id: ID!) { apiKey(id: $id) { lastUsedAt } }', { id: keyId });
    expect(result.errors).toBeUndefined();
    return result.data.apiKey.lastUsedAt as string | null;
  };

  it('moves forward to the latest new attempt only: not back, not on redelivery, not for a re-rating adjustment', async () => {
    const ingest = createUsageIngestor(h.database, createLiveEvents());
    const at = (minute: number) => `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z`;
    const batch = [
      usageEvent(teamId, keyId, { startedAt: at(5) }),
      usageEvent(teamId, keyId, { startedAt: at(7) }),
      usageEvent(teamId, keyId, { startedAt: at(6) }),
    ];
    expect(await lastUsedAt()).toBeNull();
    await ingest(batch);
    expect(await lastUsedAt()).toBe(at(7));

    await ingest([usageEvent(teamId, keyId, { startedAt: at(1) })]);
    expect(await lastUsedAt()).toBe(at(7));

    await h.database.prisma.apiKey.update({ where: { id: keyId }, data: { lastUsedAt: new Date(at(0)) } });
    await ingest(batch); // stored before: nothing new, so no use of the key either
    expect(await lastUsedAt()).toBe(at(0));

    const adjustment = { ...usageEvent(teamId, keyId, { startedAt: at(9), attempt: 0 }), adjustmentOf: batch[0]!.id };
    await storeBatch(prismaQuery(h.database.prisma), [adjustment]);
    expect(await lastUsedAt()).toBe(at(0));

    await ingest([usageEvent(teamId, keyId, { startedAt: at(8) })]);
    expect(await lastUsedAt()).toBe(at(8));
  });
});
