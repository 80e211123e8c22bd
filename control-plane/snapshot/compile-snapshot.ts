import type { PrismaClient } from '../../generated/prisma/client.ts';
import { PROVIDER_KINDS, SNAPSHOT_SCHEMA_VERSION, type ProviderKind, type SnapshotContent } from '../../shared/snapshot/schema.ts';

const isProviderKind = (kind: string): kind is ProviderKind => (PROVIDER_KINDS as readonly string[]).includes(kind);

/**
 * Reads the configuration rows and compiles them into snapshot content. Deterministic: rows are
 * ordered, so equal configuration gives an equal hash. Publishes are serialised and each starts
 * after the mutation that asked for it committed, so the newest snapshot always sees every change.
 */
export async function compileSnapshot(db: Pick<PrismaClient, 'team' | 'apiKey' | 'provider' | 'model'>, now = new Date()): Promise<SnapshotContent> {
  const [teams, apiKeys, providers, models] = await Promise.all([
    db.team.findMany({ orderBy: { id: 'asc' } }),
    db.apiKey.findMany({ orderBy: { id: 'asc' } }),
    db.provider.findMany({ orderBy: { id: 'asc' } }),
    db.model.findMany({
      orderBy: { id: 'asc' },
      include: {
        deployments: { orderBy: { id: 'asc' } },
        // The price version in force now; later ones wait for their effective time.
        prices: { where: { effectiveFrom: { lte: now } }, orderBy: { effectiveFrom: 'desc' }, take: 1 },
      },
    }),
  ]);

  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    teams: teams.map((team) => ({
      id: team.id,
      slug: team.slug,
      name: team.name,
      blocked: team.blocked,
      systemPrompt: team.systemPrompt,
      planId: null,
      creditsGrantedMicroUsd: 0,
      fallbackChainId: null,
      routingProfile: null,
    })),
    apiKeys: apiKeys.map((key) => ({
      id: key.id,
      teamId: key.teamId,
      hash: key.hash,
      prefix: key.prefix,
      allowedModels: key.allowedModels,
      expiresAt: key.expiresAt?.toISOString() ?? null,
      revoked: key.revokedAt !== null,
      limits: { rpm: null, tpm: null, maxParallel: null },
      previousHash: null,
      previousHashExpiresAt: null,
      fallbackChainId: null,
      routingProfile: null,
    })),
    providers: providers.filter((p) => isProviderKind(p.kind)).map((provider) => ({
      id: provider.id,
      name: provider.name,
      kind: provider.kind as ProviderKind,
      baseUrl: provider.baseUrl,
      // Still sealed: only a data plane holding TOLLGATE_SECRET_KEY can open it.
      credential: provider.credentialCiphertext,
      teamId: provider.teamId,
      apiVersion: null,
    })),
    models: models.map((model) => {
      const price = model.prices[0];
      return {
        id: model.id,
        name: model.name,
        aliases: model.aliases,
        contextWindow: model.contextWindow,
        maxOutputTokens: model.maxOutputTokens,
        price: price
          ? {
              version: price.id,
              inputPerMillion: Number(price.inputMicroUsdPerMillion),
              outputPerMillion: Number(price.outputMicroUsdPerMillion),
              cachedInputPerMillion: Number(price.cachedInputMicroUsdPerMillion),
            }
          : null,
        deployments: model.deployments.map((d) => ({
          id: d.id,
          providerId: d.providerId,
          upstreamModel: d.upstreamModel,
          weight: d.weight,
          limits: { rpm: null, tpm: null, maxParallel: null },
          timeouts: { connectMs: null, firstByteMs: null, totalMs: null, idleMs: null },
        })),
        capabilities: { streaming: true, tools: true, embeddings: false },
        fallbackChainId: null,
      };
    }),
    plans: [],
    budgets: [],
    fallbackChains: [],
    routingProfiles: [],
  };
}
