import type { z } from 'zod';
import type { Bus, StoredSnapshot } from '../../shared/bus/bus.ts';
import { hashSecret } from '../../shared/keys/api-key.ts';
import {
  type ConfigSnapshot,
  hashSnapshotContent,
  SNAPSHOT_SCHEMA_VERSION,
  SnapshotApiKey,
  SnapshotContent,
  SnapshotDeployment,
  SnapshotModel,
  SnapshotPrice,
  SnapshotProvider,
  SnapshotTeam,
} from '../../shared/snapshot/schema.ts';

/**
 * Hand-built config snapshots for tests, hashed exactly like the control plane hashes them
 * (hashSnapshotContent), so parseSnapshot accepts them. Builders take the fields a test cares
 * about and run through the schema, so fields added by later minor versions get their defaults.
 */
export function buildSnapshot(input: Partial<z.input<typeof SnapshotContent>> & { version: number; createdAt?: string }): ConfigSnapshot {
  const { version, createdAt, ...rest } = input;
  const content = SnapshotContent.parse({ schemaVersion: SNAPSHOT_SCHEMA_VERSION, teams: [], apiKeys: [], providers: [], models: [], ...rest });
  return { ...content, version, hash: hashSnapshotContent(content), createdAt: createdAt ?? '2026-11-23T00:00:00.000Z' };
}

/** A snapshot's content without its envelope, to build a variant of it with buildSnapshot. */
export function contentOf(snapshot: ConfigSnapshot): SnapshotContent {
  const { version: _v, hash: _h, createdAt: _c, ...content } = snapshot;
  return content;
}

/** The snapshot as the bus stores it. */
export function toStored(snapshot: ConfigSnapshot): StoredSnapshot {
  return { version: snapshot.version, json: JSON.stringify(snapshot) };
}

/** Stores and announces the snapshot, as the control plane would. */
export function publishSnapshot(bus: Pick<Bus, 'publishSnapshot'>, snapshot: ConfigSnapshot): Promise<void> {
  return bus.publishSnapshot(toStored(snapshot));
}

type Input<T extends z.ZodType> = Partial<z.input<T>>;

export function team(fields: Input<typeof SnapshotTeam> & { id: string }): SnapshotTeam {
  return SnapshotTeam.parse({ slug: fields.id, name: fields.id, blocked: false, systemPrompt: null, ...fields });
}

/** A key for `secret`: the snapshot carries only its hash, the test keeps the secret. */
export function apiKey(secret: string, fields: Input<typeof SnapshotApiKey> & { id: string; teamId: string }): SnapshotApiKey {
  return SnapshotApiKey.parse({ hash: hashSecret(secret), prefix: secret.slice(0, 10), allowedModels: [], expiresAt: null, revoked: false, ...fields });
}

export function provider(fields: Input<typeof SnapshotProvider> & Pick<SnapshotProvider, 'id' | 'kind'>): SnapshotProvider {
  return SnapshotProvider.parse({ name: fields.id, baseUrl: null, credential: null, teamId: null, ...fields });
}

export function deployment(fields: Input<typeof SnapshotDeployment> & Pick<SnapshotDeployment, 'id' | 'providerId' | 'upstreamModel'>): SnapshotDeployment {
  return SnapshotDeployment.parse({ weight: 1, ...fields });
}

export function price(fields: Input<typeof SnapshotPrice> = {}): SnapshotPrice {
  return SnapshotPrice.parse({ version: 'price-1', inputPerMillion: 0, outputPerMillion: 0, cachedInputPerMillion: 0, ...fields });
}

export function model(fields: Input<typeof SnapshotModel> & { id: string }): SnapshotModel {
  return SnapshotModel.parse({ name: fields.id, aliases: [], contextWindow: null, maxOutputTokens: null, price: null, deployments: [], ...fields });
}
