import type { SecretBox } from '../../shared/crypto/secret-box.ts';
import { type ConfigSnapshot, SnapshotPlan, type SnapshotTeam } from '../../shared/snapshot/schema.ts';
import { apiKey, buildSnapshot, deployment, model, price, provider, team } from '../support/snapshot-fixture.ts';
import { UPSTREAM_KEY } from './harness.ts';

/** $1 / $2 per million tokens: the fake upstream's 21 + 7 tokens cost 35 micro-USD before markup. */
export const POLICY_PRICE = price({ version: 'policy-1', inputPerMillion: 1_000_000, outputPerMillion: 2_000_000 });
export const MARKUP_BASIS_POINTS = 2_000;
const deploymentPrice = (inputPerMillion: number, outputPerMillion: number) =>
  price({ version: `dep-${inputPerMillion}-${outputPerMillion}`, inputPerMillion, outputPerMillion });

const secret = (name: string) => `tg_policy_${name}_`.padEnd(44, '0');

/**
 * Key secrets by what they test. `plain` has no prompt and no default profile at any level; the
 * others each set one thing at one level (k = key, t = team, p = plan).
 */
export const POLICY_KEYS = {
  plain: secret('plain'),
  teamPrompt: secret('team_prompt'),
  /** Team `planned`: nothing of its own, on plan `eco` (a system prompt and the eco profile). */
  planned: secret('planned'),
  keyEco: secret('k_eco'),
  teamEco: secret('t_eco'),
  keyBalancedOverTeamEco: secret('k_bal_t_eco'),
  teamBalancedOverPlanEco: secret('t_bal_p_eco'),
  /** Team `broke`: prepaid, no credits, with its own provider on upstream B. */
  broke: secret('broke'),
} as const;

export const TEAM_PROMPT = 'You are the support bot of team prompted.';
export const PLAN_PROMPT = 'Answer politely: this is the plan-wide policy.';

const plan = (fields: Partial<SnapshotPlan> & { id: string }) =>
  SnapshotPlan.parse({ name: fields.id, allowedModels: [], limits: {}, markupBasisPoints: MARKUP_BASIS_POINTS, billing: 'postpaid', ...fields });

/**
 * Teams: `plain` (plan `quiet`: no prompt, no profile), `prompted` (its own prompt on a plan
 * with one too), `planned` (no prompt, plan `eco` with prompt and eco profile), `team-eco`,
 * `team-balanced` (balanced on plan `eco`).
 *
 * Models (each team sees shared providers and only its own bring-your-own-key one):
 * - `direct`: one deployment on upstream A, for the system prompt.
 * - `tri`: X (shared, mock 80 ms), Q (shared, mock instant), then each team's own (mock 80 ms).
 *   With `random` 0, weighted order is snapshot order, so the strategies disagree: weighted -> X,
 *   cost -> the team's own, latency (once all are sampled) -> Q.
 * - `pair`: shared deployments on upstream A then B, for least-busy (profile `spread`).
 * - `dual`: shared on upstream A, then team plain's own provider on upstream B, for cost.
 * - `wallet`: shared on A, then team broke's own on B; `wallet-drained`: broke's own drained
 *   (weight 0), then shared: for prepaid credits.
 * - `priced`: X at the model's price ($1 + $2), Q at its own ($0.50 + $0.50), team plain's own at
 *   its own ($1 + $1): with the plan's 20 % markup on shared providers, Q costs plain 1.2, its own
 *   2, X 3.6, so cost -> Q. `priced-own`: the same, but plain's own costs $0.60 + $0.50 (1.1,
 *   under Q's 1.2 with markup), so cost -> plain's own.
 */
export function policySnapshot(args: { version: number; upstreamA: string; upstreamB: string; secretBox: SecretBox }): ConfigSnapshot {
  const sealed = { box: args.secretBox, secret: UPSTREAM_KEY };
  const teams: SnapshotTeam[] = [
    team({ id: 'plain', planId: 'quiet' }),
    team({ id: 'prompted', planId: 'eco', systemPrompt: TEAM_PROMPT }),
    team({ id: 'planned', planId: 'eco' }),
    team({ id: 'team-eco', planId: 'quiet', routingProfile: 'eco' }),
    team({ id: 'team-balanced', planId: 'eco', routingProfile: 'balanced' }),
    team({ id: 'broke', planId: 'prepaid', creditsGrantedMicroUsd: 0 }),
  ];
  const slow = 'mock://?latency_ms=80';
  const timeouts = { connectMs: null, firstByteMs: 30_000, totalMs: 30_000, idleMs: null };
  return buildSnapshot({
    version: args.version,
    plans: [plan({ id: 'quiet' }), plan({ id: 'eco', routingProfile: 'eco', systemPrompt: PLAN_PROMPT }), plan({ id: 'prepaid', billing: 'prepaid' })],
    teams,
    routingProfiles: [{ name: 'spread', strategy: 'least-busy' }],
    apiKeys: [
      apiKey(POLICY_KEYS.plain, { id: 'k-plain', teamId: 'plain' }),
      apiKey(POLICY_KEYS.teamPrompt, { id: 'k-team-prompt', teamId: 'prompted' }),
      apiKey(POLICY_KEYS.planned, { id: 'k-planned', teamId: 'planned' }),
      apiKey(POLICY_KEYS.keyEco, { id: 'k-key-eco', teamId: 'plain', routingProfile: 'eco' }),
      apiKey(POLICY_KEYS.teamEco, { id: 'k-team-eco', teamId: 'team-eco' }),
      apiKey(POLICY_KEYS.keyBalancedOverTeamEco, { id: 'k-bal-over-team', teamId: 'team-eco', routingProfile: 'balanced' }),
      apiKey(POLICY_KEYS.teamBalancedOverPlanEco, { id: 'k-team-bal', teamId: 'team-balanced' }),
      apiKey(POLICY_KEYS.broke, { id: 'k-broke', teamId: 'broke' }),
    ],
    providers: [
      provider({ id: 'prov-a', name: 'shared-a', kind: 'openai-compatible', baseUrl: args.upstreamA, seal: sealed }),
      provider({ id: 'prov-b', name: 'shared-b', kind: 'openai-compatible', baseUrl: args.upstreamB, seal: sealed }),
      provider({ id: 'prov-plain-b', name: 'plain-own-b', kind: 'openai-compatible', baseUrl: args.upstreamB, seal: sealed, teamId: 'plain' }),
      provider({ id: 'prov-broke-b', name: 'broke-own-b', kind: 'openai-compatible', baseUrl: args.upstreamB, seal: sealed, teamId: 'broke' }),
      provider({ id: 'prov-x', name: 'shared-x', kind: 'mock', baseUrl: slow }),
      provider({ id: 'prov-q', name: 'shared-quick', kind: 'mock', baseUrl: 'mock://' }),
      ...teams.map((t) => provider({ id: `prov-own-${t.id}`, name: `own-${t.id}`, kind: 'mock', baseUrl: slow, teamId: t.id })),
    ],
    models: [
      model({ id: 'm-direct', name: 'direct', deployments: [deployment({ id: 'dep-direct', providerId: 'prov-a', upstreamModel: 'direct-a' })] }),
      model({
        id: 'm-tri',
        name: 'tri',
        deployments: [
          deployment({ id: 'dep-x', providerId: 'prov-x', upstreamModel: 'echo-1' }),
          deployment({ id: 'dep-q', providerId: 'prov-q', upstreamModel: 'echo-1' }),
          ...teams.map((t) => deployment({ id: `dep-own-${t.id}`, providerId: `prov-own-${t.id}`, upstreamModel: 'echo-1' })),
        ],
      }),
      model({
        id: 'm-pair',
        name: 'pair',
        deployments: [
          deployment({ id: 'dep-pair-a', providerId: 'prov-a', upstreamModel: 'pair-a', timeouts }),
          deployment({ id: 'dep-pair-b', providerId: 'prov-b', upstreamModel: 'pair-b', timeouts }),
        ],
      }),
      model({
        id: 'm-dual',
        name: 'dual',
        price: POLICY_PRICE,
        deployments: [
          deployment({ id: 'dep-dual-shared', providerId: 'prov-a', upstreamModel: 'dual-shared' }),
          deployment({ id: 'dep-dual-own', providerId: 'prov-plain-b', upstreamModel: 'dual-own' }),
        ],
      }),
      model({
        id: 'm-wallet',
        name: 'wallet',
        price: POLICY_PRICE,
        deployments: [
          deployment({ id: 'dep-wallet-shared', providerId: 'prov-a', upstreamModel: 'wallet-shared' }),
          deployment({ id: 'dep-wallet-own', providerId: 'prov-broke-b', upstreamModel: 'wallet-own' }),
        ],
      }),
      ...(['priced', 'priced-own'] as const).map((name) =>
        model({
          id: `m-${name}`,
          name,
          price: POLICY_PRICE,
          deployments: [
            deployment({ id: `dep-${name}-x`, providerId: 'prov-x', upstreamModel: 'echo-1' }),
            deployment({ id: `dep-${name}-q`, providerId: 'prov-q', upstreamModel: 'echo-1', price: deploymentPrice(500_000, 500_000) }),
            deployment({
              id: `dep-${name}-own`,
              providerId: 'prov-own-plain',
              upstreamModel: 'echo-1',
              price: name === 'priced' ? deploymentPrice(1_000_000, 1_000_000) : deploymentPrice(600_000, 500_000),
            }),
          ],
        }),
      ),
      model({
        id: 'm-wallet-drained',
        name: 'wallet-drained',
        price: POLICY_PRICE,
        deployments: [
          deployment({ id: 'dep-drained-own', providerId: 'prov-broke-b', upstreamModel: 'drained-own', weight: 0 }),
          deployment({ id: 'dep-drained-shared', providerId: 'prov-a', upstreamModel: 'drained-shared' }),
        ],
      }),
    ],
  });
}
