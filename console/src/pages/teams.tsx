import { type FormEvent, useState } from 'react';
import { useQuery } from 'urql';
import { DangerButton, FieldInput, FieldSelect, FormError, PageHeader, QueryError, SecretOnce } from '../components/ui.tsx';
import { firstError, useAction } from '../components/use-action.ts';
import { when } from '../format.ts';
import { graphql, MutationErrors } from '../graphql.ts';
import { Link } from '../router.tsx';
import { TeamGate, TeamPicker, useAccess, useSelectedTeamId } from '../viewer.tsx';

const TeamsQuery = graphql(`query TeamsList { teams(first: 40) { edges { node { id name slug blocked createdAt plan { id name } } } } }`);
const CreateTeam = graphql(
  `mutation CreateTeam($input: CreateTeamInput!) { createTeam(input: $input) { __typename ... on MutationCreateTeamSuccess { data { id name } } ...MutationErrors } }`,
  [MutationErrors],
);
const BlockTeam = graphql(
  `mutation BlockTeam($teamId: ID!, $blocked: Boolean!) { setTeamBlocked(teamId: $teamId, blocked: $blocked) { __typename ... on MutationSetTeamBlockedSuccess { data { id blocked } } ...MutationErrors } }`,
  [MutationErrors],
);
const MembersQuery = graphql(
  `query TeamMembers($teamId: ID!) { members(teamId: $teamId, first: 40) { edges { node { id email name role tokenPrefix createdAt } } } }`,
);
const CreateMember = graphql(
  `mutation CreateMember($input: CreateMemberInput!) { createMember(input: $input) { __typename ... on MutationCreateMemberSuccess { data { token member { id email } } } ...MutationErrors } }`,
  [MutationErrors],
);
const UpdateMember = graphql(
  `mutation UpdateMember($input: UpdateMemberInput!) { updateMember(input: $input) { __typename ... on MutationUpdateMemberSuccess { data { id role } } ...MutationErrors } }`,
  [MutationErrors],
);
const DeleteMember = graphql(
  `mutation DeleteMember($id: ID!) { deleteMember(id: $id) { __typename ... on MutationDeleteMemberSuccess { data } ...MutationErrors } }`,
  [MutationErrors],
);

const ROLES = ['OWNER', 'ADMIN', 'MEMBER', 'VIEWER'] as const;

export function TeamsPage() {
  const access = useAccess();
  const teamId = useSelectedTeamId();
  return (
    <>
      <PageHeader title="Teams and members">
        <TeamPicker />
      </PageHeader>
      {access.isAdmin ? <AllTeams /> : null}
      <TeamGate teamId={teamId}>{(team) => <Members key={team.id} teamId={team.id} teamName={team.name} />}</TeamGate>
    </>
  );
}

function AllTeams() {
  const [{ data, error }, refetch] = useQuery({ query: TeamsQuery });
  const create = useAction(CreateTeam);
  const block = useAction(BlockTeam);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const values = new FormData(form);
    const created = await create.execute({ input: { name: String(values.get('name')), slug: String(values.get('slug')) } });
    if (created) {
      form.reset();
      refetch({ requestPolicy: 'network-only' });
    }
  }
  return (
    <section aria-labelledby="teams-title">
      <form className="card" onSubmit={submit} aria-labelledby="create-team-title" noValidate>
        <h2 id="create-team-title">Create a team</h2>
        <div className="form-grid">
          <FieldInput label="Team name" name="name" required errors={create.errors} />
          <FieldInput label="Slug" name="slug" required hint="Lowercase letters, digits and dashes" errors={create.errors} />
        </div>
        <FormError errors={create.errors} />
        <button type="submit">Create team</button>
      </form>
      <h2 id="teams-title">All teams</h2>
      <QueryError error={error} />
      {firstError(block.errors) ? (
        <p className="error" role="alert">
          {firstError(block.errors)}
        </p>
      ) : null}
      <div className="table-wrap">
        <table aria-label="Teams">
          <thead>
            <tr>
              <th>Name</th>
              <th>Slug</th>
              <th>Plan</th>
              <th>Status</th>
              <th>Created</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {data?.teams.edges.map(({ node: team }) => (
              <tr key={team.id}>
                <td>
                  <Link href={`/teams?team=${team.id}`}>{team.name}</Link>
                </td>
                <td>{team.slug}</td>
                <td>{team.plan?.name ?? '—'}</td>
                <td>
                  <span className={`badge ${team.blocked ? 'BLOCKED' : 'ACTIVE'}`}>{team.blocked ? 'blocked' : 'active'}</span>
                </td>
                <td>{when(team.createdAt)}</td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    aria-label={`${team.blocked ? 'Unblock' : 'Block'} team ${team.name}`}
                    onClick={async () => {
                      await block.execute({ teamId: team.id, blocked: !team.blocked });
                      refetch({ requestPolicy: 'network-only' });
                    }}
                  >
                    {team.blocked ? 'Unblock' : 'Block'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Members({ teamId, teamName }: { teamId: string; teamName: string }) {
  const access = useAccess();
  const [{ data, error }, refetch] = useQuery({ query: MembersQuery, variables: { teamId } });
  const invite = useAction(CreateMember);
  const update = useAction(UpdateMember);
  const remove = useAction(DeleteMember);
  const [token, setToken] = useState<{ email: string; token: string } | null>(null);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const values = new FormData(form);
    const created = await invite.execute({
      input: {
        teamId,
        email: String(values.get('email')),
        name: String(values.get('name') || '') || undefined,
        role: String(values.get('role')) as (typeof ROLES)[number],
      },
    });
    if (created) {
      setToken({ email: created.member.email, token: created.token });
      form.reset();
      reload();
    }
  }
  const rowError = firstError(update.errors) ?? firstError(remove.errors);
  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">Members of {teamName}</h2>
      {token ? <SecretOnce label={`Management token of ${token.email}`} secret={token.token} onDone={() => setToken(null)} /> : null}
      {access.canManageTeam ? (
        <form className="card" onSubmit={submit} aria-labelledby="invite-title" noValidate>
          <h3 id="invite-title">Invite a member</h3>
          <div className="form-grid">
            <FieldInput label="Email" name="email" type="email" required errors={invite.errors} />
            <FieldInput label="Name" name="name" errors={invite.errors} />
            <FieldSelect
              label="Role"
              name="role"
              defaultValue="MEMBER"
              options={ROLES.map((role) => ({ value: role, label: role.toLowerCase() }))}
              errors={invite.errors}
            />
          </div>
          <FormError errors={invite.errors} />
          <button type="submit">Invite (create member and token)</button>
        </form>
      ) : null}
      <QueryError error={error} />
      {rowError ? (
        <p className="error" role="alert">
          {rowError}
        </p>
      ) : null}
      <div className="table-wrap">
        <table aria-label="Members">
          <thead>
            <tr>
              <th>Email</th>
              <th>Name</th>
              <th>Role</th>
              <th>Token</th>
              <th>Since</th>
              {access.canManageTeam ? <th>Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {data?.members.edges.map(({ node: member }) => (
              <tr key={member.id}>
                <td>{member.email}</td>
                <td>{member.name ?? '—'}</td>
                <td>
                  {access.canManageTeam ? (
                    <select
                      aria-label={`Role of ${member.email}`}
                      value={member.role}
                      onChange={async (event) => {
                        await update.execute({ input: { id: member.id, role: event.target.value as (typeof ROLES)[number] } });
                        reload();
                      }}
                    >
                      {ROLES.map((role) => (
                        <option key={role} value={role}>
                          {role.toLowerCase()}
                        </option>
                      ))}
                    </select>
                  ) : (
                    member.role.toLowerCase()
                  )}
                </td>
                <td>
                  <code>{member.tokenPrefix}…</code>
                </td>
                <td>{when(member.createdAt)}</td>
                {access.canManageTeam ? (
                  <td>
                    <DangerButton
                      label={`Remove ${member.email}`}
                      question={`Remove ${member.email} from ${teamName}?`}
                      run={() => remove.execute({ id: member.id })}
                      reload={reload}
                    >
                      Remove
                    </DangerButton>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
