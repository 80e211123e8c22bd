/**
 * Plan tier presets, applied through the GraphQL API itself (validated, audited, published like
 * any change). Idempotent: plans and routing profiles that already exist by name are left alone.
 * Allowed models stay empty (every model): restrict them with updatePlan once models exist.
 */
import { BUILT_IN_PROFILES } from '../../shared/routing/built-in-profiles.ts';
import type { RoutingStrategy } from '../../shared/snapshot/schema.ts';

/** Sends one GraphQL operation as the platform admin; returns `data`, throws on `errors`. */
export type AdminGraphQL = (query: string, variables?: Record<string, unknown>) => Promise<any>;

interface ProfileSeed {
  name: string;
  strategy: 'WEIGHTED' | 'LEAST_BUSY' | 'LATENCY' | 'COST';
  description: string;
}

interface PlanSeed {
  name: string;
  description: string;
  limits: { rpm: number; tpm: number; maxParallel: number };
  budget: { amount: string; period: 'DAILY' | 'WEEKLY' | 'MONTHLY'; hard: boolean; alertThresholds: number[] };
  markupBasisPoints: number;
  billing: 'PREPAID' | 'POSTPAID';
  /** A routing profile of the same preset, by name. */
  routingProfile?: string;
}

const toGraphQLStrategy = (strategy: RoutingStrategy) => strategy.toUpperCase().replace('-', '_') as ProfileSeed['strategy'];

const usd = (dollars: number) => String(dollars * 1_000_000);

export const TIER_PRESETS = {
  'free-plus-pro': {
    profiles: [] as ProfileSeed[],
    plans: [
      {
        name: 'free',
        description: 'Try it out.',
        limits: { rpm: 20, tpm: 20_000, maxParallel: 2 },
        budget: { amount: usd(1), period: 'MONTHLY', hard: true, alertThresholds: [80, 100] },
        markupBasisPoints: 0,
        billing: 'PREPAID',
      },
      {
        name: 'plus',
        description: 'For individuals and small apps.',
        limits: { rpm: 200, tpm: 200_000, maxParallel: 10 },
        budget: { amount: usd(50), period: 'MONTHLY', hard: true, alertThresholds: [50, 80, 100] },
        markupBasisPoints: 2000,
        billing: 'PREPAID',
      },
      {
        name: 'pro',
        description: 'For teams in production.',
        limits: { rpm: 1000, tpm: 2_000_000, maxParallel: 50 },
        budget: { amount: usd(500), period: 'MONTHLY', hard: false, alertThresholds: [50, 80, 100] },
        markupBasisPoints: 1500,
        billing: 'POSTPAID',
      },
    ] as PlanSeed[],
  },
  /** "Power levels": routing profiles eco / balanced / precision, and four tiers that default to them. */
  'eco-enterprise': {
    // The data plane's built-in profiles, made real rows so teams and plans can default to them.
    profiles: Object.entries(BUILT_IN_PROFILES).map(
      ([name, profile]): ProfileSeed => ({ name, strategy: toGraphQLStrategy(profile.strategy), description: profile.description }),
    ),
    plans: [
      {
        name: 'eco',
        description: 'Lowest cost.',
        limits: { rpm: 60, tpm: 60_000, maxParallel: 4 },
        budget: { amount: usd(10), period: 'MONTHLY', hard: true, alertThresholds: [80, 100] },
        markupBasisPoints: 1000,
        billing: 'PREPAID',
        routingProfile: 'eco',
      },
      {
        name: 'starter',
        description: 'Small teams.',
        limits: { rpm: 300, tpm: 300_000, maxParallel: 10 },
        budget: { amount: usd(100), period: 'MONTHLY', hard: true, alertThresholds: [50, 80, 100] },
        markupBasisPoints: 1500,
        billing: 'PREPAID',
        routingProfile: 'balanced',
      },
      {
        name: 'professional',
        description: 'Production workloads.',
        limits: { rpm: 1500, tpm: 3_000_000, maxParallel: 60 },
        budget: { amount: usd(1000), period: 'MONTHLY', hard: false, alertThresholds: [50, 80, 100] },
        markupBasisPoints: 1200,
        billing: 'POSTPAID',
        routingProfile: 'balanced',
      },
      {
        name: 'enterprise',
        description: 'Negotiated volume.',
        limits: { rpm: 10_000, tpm: 20_000_000, maxParallel: 500 },
        budget: { amount: usd(20_000), period: 'MONTHLY', hard: false, alertThresholds: [80, 100] },
        markupBasisPoints: 800,
        billing: 'POSTPAID',
        routingProfile: 'precision',
      },
    ] as PlanSeed[],
  },
} as const;

export type TierPreset = keyof typeof TIER_PRESETS;

const ok = (result: { __typename: string; message?: string; data?: any }, what: string) => {
  if (!result.__typename.endsWith('Success')) throw new Error(`${what}: ${result.__typename}: ${result.message ?? ''}`);
  return result.data;
};

/** Creates the preset's routing profiles and plans that do not exist yet; returns what it created. */
export async function seedTiers(gql: AdminGraphQL, preset: TierPreset): Promise<string[]> {
  const { profiles, plans } = TIER_PRESETS[preset];
  const created: string[] = [];
  const existing = await gql('{ plans(first: 100) { edges { node { name } } } routingProfiles(first: 100) { edges { node { id name } } } }');
  const planNames = new Set(existing.plans.edges.map((e: any) => e.node.name));
  const profileIds = new Map<string, string>(existing.routingProfiles.edges.map((e: any) => [e.node.name, e.node.id]));

  for (const profile of profiles) {
    if (profileIds.has(profile.name)) continue;
    const data = await gql(
      `mutation($input: CreateRoutingProfileInput!) { r: createRoutingProfile(input: $input) { __typename ... on Error { message } ... on MutationCreateRoutingProfileSuccess { data { id } } } }`,
      { input: profile },
    );
    profileIds.set(profile.name, ok(data.r, `routing profile ${profile.name}`).id);
    created.push(`routing profile ${profile.name}`);
  }
  for (const { routingProfile, ...plan } of plans) {
    if (planNames.has(plan.name)) continue;
    const data = await gql(
      `mutation($input: CreatePlanInput!) { r: createPlan(input: $input) { __typename ... on Error { message } ... on MutationCreatePlanSuccess { data { id } } } }`,
      { input: { ...plan, routingProfileId: routingProfile ? profileIds.get(routingProfile) : undefined } },
    );
    ok(data.r, `plan ${plan.name}`);
    created.push(`plan ${plan.name}`);
  }
  return created;
}
