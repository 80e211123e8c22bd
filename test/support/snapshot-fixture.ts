import type { z } from 'zod';
import type { Bus, StoredSnapshot } from '../../shared/bus/bus.ts';
import { createSecretBox, parseSecretKeys, providerBinding, type SecretBox } from '../../shared/crypto/secret-box.ts';
import { hashSecret } from '../../shared/keys/api-key.ts';
import { diffSnapshots, type SnapshotDelta } from '../../shared/snapshot/delta.ts';
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
import { createSnapshotSigner, type SnapshotSigner } from '../../shared/snapshot/signature.ts';
import { TEST_SECRET_KEY } from './test-keys.ts';

/** The secret box of TEST_SECRET_KEY: harnesses give it to their data planes. */
export const testSecretBox = (): SecretBox => createSecretBox(parseSecretKeys(TEST_SECRET_KEY));

/** Signs as a control plane holding TEST_SECRET_KEY does. */
export const testSigner: SnapshotSigner = createSnapshotSigner(parseSecretKeys(TEST_SECRET_KEY));

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

/** The snapshot as the bus stores it, signed (by default with TEST_SECRET_KEY, as the control plane would). */
export function toStored(snapshot: ConfigSnapshot, signer: SnapshotSigner = testSigner): StoredSnapshot {
  return signedStored(snapshot.version, JSON.stringify(snapshot), signer);
}

/** Any JSON stored under `version` with a valid signature (to test what parsing refuses). */
export function signedStored(version: number, json: string, signer: SnapshotSigner = testSigner): StoredSnapshot {
  return { version, json, signature: signer.sign(json) };
}

/** `next` as stored with a signed delta from `prev` (as the control plane publishes it). */
export function toStoredWithDelta(
  prev: ConfigSnapshot,
  next: ConfigSnapshot,
  signer: SnapshotSigner = testSigner,
  tamper?: (delta: SnapshotDelta) => void,
): StoredSnapshot {
  const delta = diffSnapshots(prev, next);
  tamper?.(delta);
  const json = JSON.stringify(delta);
  return { ...toStored(next, signer), delta: { json, signature: signer.sign(json) } };
}

/** The last-good-snapshot file's content for `stored`: its signature line, then its JSON. */
export function snapshotFileText(stored: StoredSnapshot): string {
  return `${stored.signature ?? ''}\n${stored.json}`;
}

/** The snapshot JSON in a last-good-snapshot file, parsed (the first line is the signature). */
export function parseSnapshotFile(text: string): ConfigSnapshot {
  return JSON.parse(text.slice(text.indexOf('\n') + 1)) as ConfigSnapshot;
}

/** Stores and announces the snapshot, signed, as the control plane would. */
export async function publishSnapshot(bus: Pick<Bus, 'publishSnapshot'>, snapshot: ConfigSnapshot, signer: SnapshotSigner = testSigner): Promise<void> {
  await bus.publishSnapshot(toStored(snapshot, signer));
}

type Input<T extends z.ZodType> = Partial<z.input<T>>;

export function team(fields: Input<typeof SnapshotTeam> & { id: string }): SnapshotTeam {
  return SnapshotTeam.parse({ slug: fields.id, name: fields.id, blocked: false, systemPrompt: null, ...fields });
}

/** A key for `secret`: the snapshot carries only its hash, the test keeps the secret. */
export function apiKey(secret: string, fields: Input<typeof SnapshotApiKey> & { id: string; teamId: string }): SnapshotApiKey {
  return SnapshotApiKey.parse({ hash: hashSecret(secret), prefix: secret.slice(0, 10), allowedModels: [], expiresAt: null, revoked: false, ...fields });
}

/** A credential to seal for the provider being built: bound to its id and base URL, as the control plane seals it. */
export interface SealSpec {
  box: Pick<SecretBox, 'seal'>;
  secret: string;
}

export function provider(fields: Input<typeof SnapshotProvider> & Pick<SnapshotProvider, 'id' | 'kind'> & { seal?: SealSpec }): SnapshotProvider {
  const { seal, ...rest } = fields;
  const credential = seal ? seal.box.seal(seal.secret, providerBinding({ id: rest.id, baseUrl: rest.baseUrl ?? null })) : undefined;
  return SnapshotProvider.parse({ name: fields.id, baseUrl: null, credential: null, teamId: null, ...rest, ...(credential ? { credential } : {}) });
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
