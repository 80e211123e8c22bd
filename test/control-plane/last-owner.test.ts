import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlPlaneHarness, startControlPlaneHarness } from '../support/control-plane-harness.ts';
import { forEachDatabase } from '../support/database-targets.ts';
import { gqlKit } from '../support/gql-kit.ts';

// A team that has an owner keeps one: its last owner cannot be demoted or removed, whoever asks
// (the owner themselves or the platform admin), and two owners demoting each other at the same
// moment cannot both succeed.

forEachDatabase(({ options }) => {
  let cp: ControlPlaneHarness;
  beforeAll(async () => {
    cp = await startControlPlaneHarness(options);
  });
  afterAll(async () => cp?.close());

  const newTeam = async () => gqlKit(cp).team({ slug: `lo-${Math.random().toString(36).slice(2, 8)}` });

  it('refuses to demote or remove the last owner, by themselves or the platform admin', async () => {
    const admin = gqlKit(cp);
    const team = await newTeam();
    const owner = await admin.member(team.id, 'OWNER');
    const self = gqlKit(cp, owner.token);
    for (const [who, kit] of [
      ['self', self],
      ['platform admin', admin],
    ] as const) {
      for (const role of ['ADMIN', 'MEMBER', 'VIEWER']) {
        const demoted = await kit.mutate('updateMember', { input: { id: owner.member.id, role } }, 'id role');
        expect(demoted.typename, `${who} -> ${role}`).toBe('ConflictError');
        expect(demoted.error.message).toMatch(/at least one owner/);
      }
      const removed = await kit.mutate('deleteMember', { id: owner.member.id });
      expect(removed.typename, who).toBe('ConflictError');
    }
    // Renaming the last owner, or keeping the role, is fine.
    expect((await self.mutate('updateMember', { input: { id: owner.member.id, name: 'Still owner', role: 'OWNER' } }, 'id role')).data).toMatchObject({
      role: 'OWNER',
    });
  });

  it('with two owners, one may step down, and then the other is the last', async () => {
    const admin = gqlKit(cp);
    const team = await newTeam();
    const first = await admin.member(team.id, 'OWNER');
    const second = await admin.member(team.id, 'OWNER');
    const asFirst = gqlKit(cp, first.token);
    expect((await asFirst.mutate('updateMember', { input: { id: first.member.id, role: 'ADMIN' } }, 'id role')).data).toMatchObject({ role: 'ADMIN' });
    expect((await gqlKit(cp, second.token).mutate('deleteMember', { id: second.member.id })).typename).toBe('ConflictError');
  });

  it('two owners demoting each other at once: exactly one succeeds', async () => {
    const admin = gqlKit(cp);
    for (let round = 0; round < 3; round++) {
      const team = await newTeam();
      const a = await admin.member(team.id, 'OWNER');
      const b = await admin.member(team.id, 'OWNER');
      const answers = await Promise.all([
        gqlKit(cp, a.token).mutate('updateMember', { input: { id: b.member.id, role: 'ADMIN' } }, 'id role'),
        gqlKit(cp, b.token).mutate('updateMember', { input: { id: a.member.id, role: 'ADMIN' } }, 'id role'),
      ]);
      const typenames = answers.map((answer) => answer.typename).sort();
      // The loser is refused either as the last owner or because it no longer is an owner itself.
      expect(
        typenames.filter((name) => name.endsWith('Success')),
        JSON.stringify(answers),
      ).toHaveLength(1);
      const owners = await admin.query('team', { id: team.id }, 'members { edges { node { role } } }');
      expect(owners.result.members.edges.filter((edge: any) => edge.node.role === 'OWNER')).toHaveLength(1);
    }
  });
});
