import { createContext, useContext, useId } from 'react';
import { useQuery } from 'urql';
import { graphql, type ResultOf } from './graphql.ts';
import { navigate, useLocation } from './router.tsx';

export const ViewerQuery = graphql(`
  query Viewer {
    viewer { kind role member { id email name } team { id name slug } }
    teams(first: 100) { edges { node { id name slug } } }
  }
`);

type ViewerData = ResultOf<typeof ViewerQuery>;

/** What the signed-in caller is; the UI hides what the role cannot do, the API refuses it anyway. */
export interface Access {
  viewer: ViewerData['viewer'];
  teams: { id: string; name: string; slug: string }[];
  isAdmin: boolean;
  /** Creates and changes team things (keys, budgets of keys): not viewers. */
  canWrite: boolean;
  /** Members, team settings, the audit log: team admins and owners, and the platform admin. */
  canManageTeam: boolean;
}

export const AccessContext = createContext<Access | null>(null);

export function useAccess(): Access {
  const access = useContext(AccessContext);
  if (!access) throw new Error('useAccess outside the signed-in app');
  return access;
}

export function accessFrom(data: ViewerData): Access {
  const isAdmin = data.viewer.kind === 'admin';
  const role = data.viewer.role;
  return {
    viewer: data.viewer,
    teams: data.teams.edges.map((edge) => edge.node),
    isAdmin,
    canWrite: isAdmin || (role !== null && role !== 'VIEWER'),
    canManageTeam: isAdmin || role === 'ADMIN' || role === 'OWNER',
  };
}

/**
 * The team a team-scoped page shows: `?team=<id>` when given (checked by the page against the API,
 * which answers null for another team's id), else the member's own team or the admin's first team.
 */
export function useSelectedTeamId(): string | null {
  const access = useAccess();
  const { search } = useLocation();
  return search.get('team') ?? access.viewer.team?.id ?? access.teams[0]?.id ?? null;
}

export function TeamPicker() {
  const access = useAccess();
  const teamId = useSelectedTeamId();
  const { pathname, search } = useLocation();
  const id = useId();
  if (!access.isAdmin) return null;
  return (
    <div className="team-picker row">
      <label htmlFor={id}>Team</label>
      <select
        id={id}
        value={teamId ?? ''}
        onChange={(event) => {
          const next = new URLSearchParams(search);
          next.set('team', event.target.value);
          navigate(`${pathname}?${next}`);
        }}
      >
        {access.teams.map((team) => (
          <option key={team.id} value={team.id}>
            {team.name}
          </option>
        ))}
      </select>
    </div>
  );
}

const TeamExistsQuery = graphql(`query TeamExists($id: ID!) { team(id: $id) { id name } }`);

/** Wraps a team page: "not found" when the API does not show this caller the team. */
export function TeamGate({ teamId, children }: { teamId: string | null; children: (team: { id: string; name: string }) => React.ReactNode }) {
  const [{ data, fetching, error }] = useQuery({ query: TeamExistsQuery, variables: { id: teamId ?? '' }, pause: !teamId });
  if (!teamId) return <p className="empty">No team yet.</p>;
  if (error)
    return (
      <p role="alert" className="error">
        {error.message}
      </p>
    );
  // The previous team's answer may still be here while the new one loads: never render it as this team.
  const current = data?.team && data.team.id === teamId ? data.team : null;
  if (!current && (fetching || (data?.team && data.team.id !== teamId))) return <p aria-busy="true">Loading…</p>;
  if (!current) return <NotFound what="Team" />;
  return <>{children(current)}</>;
}

export function NotFound({ what = 'Page' }: { what?: string }) {
  return (
    <section className="not-found" aria-labelledby="not-found-title">
      <h1 id="not-found-title">{what} not found</h1>
      <p>It does not exist, or your sign-in may not see it.</p>
    </section>
  );
}
