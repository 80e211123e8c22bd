import type { PrismaClient } from '../../generated/prisma/client.ts';
import { generateApiKey, hashSecret } from '../../shared/keys/api-key.ts';

const ADMIN_KEY_SETTING = 'adminKeyHash';

export interface FirstRunResult {
  adminKeyHash: string;
  /** Set only when a secret was created in this start: it is shown once and never again. */
  createdAdminKey: string | null;
  createdDemoKey: string | null;
}

/**
 * On an empty database: the admin key (unless given), a demo team, the built-in `mock`
 * provider, a `demo` model served by it, and an API key for the demo team. Later starts find
 * the admin key setting and change nothing, except adopting a newly given TOLLGATE_ADMIN_KEY.
 */
export async function ensureFirstRun(prisma: PrismaClient, configuredAdminKey: string | undefined): Promise<FirstRunResult> {
  const existing = await prisma.setting.findUnique({ where: { key: ADMIN_KEY_SETTING } });
  if (existing) {
    const adminKeyHash = configuredAdminKey ? hashSecret(configuredAdminKey) : existing.value;
    if (adminKeyHash !== existing.value) await prisma.setting.update({ where: { key: ADMIN_KEY_SETTING }, data: { value: adminKeyHash } });
    return { adminKeyHash, createdAdminKey: null, createdDemoKey: null };
  }

  const adminKey = configuredAdminKey ?? generateApiKey('tga').secret;
  const demoKey = generateApiKey();
  try {
    await seed(prisma, adminKey, demoKey);
  } catch (error) {
    // Replicas starting together on a fresh database: the one whose seed committed first wins
    // (the setting is unique); the others start as on a later start.
    if ((error as { code?: string }).code === 'P2002' && (await prisma.setting.findUnique({ where: { key: ADMIN_KEY_SETTING } }))) {
      return ensureFirstRun(prisma, configuredAdminKey);
    }
    throw error;
  }
  return {
    adminKeyHash: hashSecret(adminKey),
    createdAdminKey: configuredAdminKey ? null : adminKey,
    createdDemoKey: demoKey.secret,
  };
}

async function seed(prisma: PrismaClient, adminKey: string, demoKey: ReturnType<typeof generateApiKey>): Promise<void> {
  await prisma.$transaction([
    prisma.setting.create({ data: { key: ADMIN_KEY_SETTING, value: hashSecret(adminKey) } }),
    prisma.team.create({
      data: {
        name: 'Demo team',
        slug: 'demo',
        apiKeys: { create: { name: 'demo key', prefix: demoKey.prefix, hash: demoKey.hash, allowedModels: [] } },
      },
    }),
    prisma.provider.create({
      data: {
        name: 'mock',
        kind: 'mock',
        baseUrl: null,
        deployments: {
          create: {
            upstreamModel: 'mock-1',
            model: {
              create: {
                name: 'demo',
                description: 'Deterministic answers from the built-in mock provider.',
                contextWindow: 8192,
                maxOutputTokens: 1024,
                // The mock embeds too (deterministic vectors): `demo` tries every endpoint it can.
                supportsEmbeddings: true,
                // $0.50 in / $1.50 out per million tokens, so the demo shows real cost.
                prices: { create: { inputMicroUsdPerMillion: 500_000n, outputMicroUsdPerMillion: 1_500_000n, cachedInputMicroUsdPerMillion: 250_000n } },
              },
            },
          },
        },
      },
    }),
  ]);
}
