import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlPlaneHarness, startControlPlaneHarness } from '../support/control-plane-harness.ts';
import { gqlKit } from '../support/gql-kit.ts';

// Credentials in a provider's baseUrl (`http://user:pw@host`) would be stored and returned in
// clear: createProvider and updateProvider refuse them with a typed ValidationError on baseUrl,
// for team-owned and platform providers alike, and nothing is stored.

let cp: ControlPlaneHarness;
beforeAll(async () => {
  cp = await startControlPlaneHarness();
});
afterAll(async () => cp?.close());

const WITH_USERINFO = [
  'http://user:hunter2@llm.example.com/v1',
  'https://:hunter2@llm.example.com/v1',
  'https://apikey@llm.example.com/v1',
  'http://a%40b:c%3Ad@10.0.0.5:8000/v1',
];

describe('provider baseUrl carries no credentials', () => {
  it('createProvider refuses them, for a team admin and for the platform admin', async () => {
    const admin = gqlKit(cp);
    const team = await admin.team({ slug: `bu-${Math.random().toString(36).slice(2, 8)}` });
    const teamAdmin = gqlKit(cp, (await admin.member(team.id, 'ADMIN')).token);
    for (const [who, kit, teamId] of [
      ['team admin', teamAdmin, team.id],
      ['platform admin', admin, undefined],
    ] as const) {
      for (const baseUrl of WITH_USERINFO) {
        const answer = await kit.mutate('createProvider', {
          input: { name: `p-${Math.random().toString(36).slice(2, 8)}`, kind: 'OPENAI_COMPATIBLE', baseUrl, apiKey: 'sk-x', ...(teamId ? { teamId } : {}) },
        });
        expect(answer.typename, `${who} ${baseUrl} ${JSON.stringify(answer)}`).toBe('ValidationError');
        expect(answer.error.issues).toEqual([expect.objectContaining({ path: 'baseUrl', message: expect.stringMatching(/credentials/) })]);
      }
    }
    const stored = await cp.database.prisma.provider.findMany({ where: { baseUrl: { contains: '@' } } });
    expect(stored).toEqual([]);
  });

  it('updateProvider refuses them too', async () => {
    const admin = gqlKit(cp);
    const created = await admin.ok('createProvider', {
      input: { name: `p-${Math.random().toString(36).slice(2, 8)}`, kind: 'OPENAI_COMPATIBLE', baseUrl: 'https://llm.example.com/v1' },
    });
    for (const baseUrl of WITH_USERINFO) {
      const answer = await admin.mutate('updateProvider', { input: { id: created.id, baseUrl } });
      expect(answer.typename, baseUrl).toBe('ValidationError');
    }
    expect((await cp.database.prisma.provider.findUnique({ where: { id: created.id } }))?.baseUrl).toBe('https://llm.example.com/v1');
  });
});
