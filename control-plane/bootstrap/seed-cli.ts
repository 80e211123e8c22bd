/**
 * `npm run seed -- <preset>`: applies a plan tier preset to a running control plane through its
 * GraphQL API. A tool entry point, so it reads its own environment:
 *   CONTROL_PLANE_URL  default http://127.0.0.1:4000/graphql
 *   TOLLGATE_ADMIN_KEY the platform admin key (required)
 * Presets: free-plus-pro, eco-enterprise (see seed-tiers.ts).
 */
import { seedTiers, TIER_PRESETS, type TierPreset } from './seed-tiers.ts';

async function main(argv: string[]): Promise<number> {
  const preset = argv[0];
  if (!preset || !(preset in TIER_PRESETS)) {
    console.error(`usage: npm run seed -- <${Object.keys(TIER_PRESETS).join(' | ')}>`);
    return 2;
  }
  const url = process.env.CONTROL_PLANE_URL || 'http://127.0.0.1:4000/graphql';
  const adminKey = process.env.TOLLGATE_ADMIN_KEY;
  if (!adminKey) {
    console.error('TOLLGATE_ADMIN_KEY is required (the platform admin key)');
    return 2;
  }
  const created = await seedTiers(async (query, variables) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
    return body.data;
  }, preset as TierPreset);
  console.log(created.length ? `created:\n  ${created.join('\n  ')}` : 'nothing to do: the preset is already there');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
