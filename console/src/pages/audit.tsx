import { type FormEvent, useState } from 'react';
import { useQuery } from 'urql';
import { PageHeader, QueryError } from '../components/ui.tsx';
import { when } from '../format.ts';
import { graphql } from '../graphql.ts';
import { useAccess } from '../viewer.tsx';

const AuditQuery = graphql(`
  query Audit($action: String, $entity: String, $entityId: ID, $teamId: ID, $after: String) {
    auditLog(action: $action, entity: $entity, entityId: $entityId, teamId: $teamId, first: 25, after: $after) {
      edges { node { id action entity entityId actorKind actorId teamId changes createdAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

/** Who changed what; secrets are masked by the API. Team admins see their team's entries. */
export function AuditPage() {
  const access = useAccess();
  const [filters, setFilters] = useState<{ action?: string; entity?: string; entityId?: string; teamId?: string; after?: string }>({});
  const [{ data, error }] = useQuery({ query: AuditQuery, variables: filters });
  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = new FormData(event.currentTarget);
    const text = (name: string) => String(values.get(name) ?? '').trim() || undefined;
    setFilters({ action: text('action'), entity: text('entity'), entityId: text('entityId'), teamId: text('teamId') });
  }
  return (
    <>
      <PageHeader title="Audit log" />
      <form className="card" onSubmit={apply} aria-label="Audit filters">
        <div className="form-grid">
          <div className="field">
            <label htmlFor="audit-action">Action</label>
            <input id="audit-action" name="action" placeholder="createApiKey" />
          </div>
          <div className="field">
            <label htmlFor="audit-entity">Entity</label>
            <input id="audit-entity" name="entity" placeholder="ApiKey" />
          </div>
          <div className="field">
            <label htmlFor="audit-entity-id">Entity id</label>
            <input id="audit-entity-id" name="entityId" />
          </div>
          {access.isAdmin ? (
            <div className="field">
              <label htmlFor="audit-team">Team</label>
              <select id="audit-team" name="teamId" defaultValue="">
                <option value="">every team</option>
                {access.teams.map((team) => (
                  <option key={team.id} value={team.id}>
                    {team.name}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
        </div>
        <button type="submit">Filter</button>
      </form>
      <QueryError error={error} />
      <div className="table-wrap">
        <table aria-label="Audit log">
          <thead>
            <tr>
              <th>When</th>
              <th>Action</th>
              <th>Entity</th>
              <th>By</th>
              <th>Changes</th>
            </tr>
          </thead>
          <tbody>
            {data?.auditLog.edges.map(({ node: entry }) => (
              <tr key={entry.id}>
                <td>{when(entry.createdAt)}</td>
                <td>{entry.action}</td>
                <td>
                  {entry.entity} <code>{entry.entityId?.slice(0, 8)}</code>
                </td>
                <td>
                  {entry.actorKind}
                  {entry.actorId ? ` ${entry.actorId.slice(0, 8)}` : ''}
                </td>
                <td>
                  <code>{JSON.stringify(entry.changes).slice(0, 160)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data?.auditLog.edges.length === 0 ? <p className="empty">No entries match.</p> : null}
      {data?.auditLog.pageInfo.hasNextPage ? (
        <button type="button" className="secondary" onClick={() => setFilters({ ...filters, after: data.auditLog.pageInfo.endCursor ?? undefined })}>
          Older entries
        </button>
      ) : null}
    </>
  );
}
