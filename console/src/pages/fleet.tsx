import { useQuery, useSubscription } from 'urql';
import { PageHeader, QueryError } from '../components/ui.tsx';
import { when } from '../format.ts';
import { graphql, type ResultOf } from '../graphql.ts';

const FleetFields = graphql(`
  fragment FleetFields on Fleet {
    converged convergedCount live targetSnapshotVersion
    dataPlanes { instanceId state snapshotVersion snapshotHash snapshotSource degradedModes inFlight startedAt lastSeenAt lastRefusedSnapshot { version reason } }
  }
`);
const FleetQuery = graphql(`query Fleet { fleet { ...FleetFields } currentSnapshot { version hash createdAt } }`, [FleetFields]);
const FleetLive = graphql(`subscription FleetLive { fleetChanged { ...FleetFields } }`, [FleetFields]);
type FleetView = ResultOf<typeof FleetFields>;

/** The data planes as the control plane sees them, live from `fleetChanged` (platform admin). */
export function FleetPage() {
  const [{ data, error }] = useQuery({ query: FleetQuery });
  const [live] = useSubscription({ query: FleetLive }, (_previous: unknown, response: ResultOf<typeof FleetLive>) => response);
  const fleet = ((live.data?.fleetChanged ?? data?.fleet) as unknown as FleetView | undefined) ?? null;
  return (
    <>
      <PageHeader title="Fleet" />
      <QueryError error={error} />
      {fleet ? (
        <p data-testid="fleet-summary">
          {fleet.live} live data plane(s), {fleet.convergedCount} on the target snapshot v{fleet.targetSnapshotVersion ?? '—'}:{' '}
          {fleet.converged ? 'converged' : 'not converged'}.
          {data?.currentSnapshot ? (
            <>
              {' '}
              Current snapshot <code>{data.currentSnapshot.hash.slice(0, 12)}</code> published {when(data.currentSnapshot.createdAt)}.
            </>
          ) : null}
        </p>
      ) : null}
      <div className="table-wrap">
        <table aria-label="Data planes">
          <thead>
            <tr>
              <th>Instance</th>
              <th>State</th>
              <th>Snapshot</th>
              <th>Hash</th>
              <th>Source</th>
              <th>Degraded</th>
              <th>In flight</th>
              <th>Last seen</th>
              <th>Refused</th>
            </tr>
          </thead>
          <tbody>
            {fleet?.dataPlanes.map((plane) => (
              <tr key={plane.instanceId}>
                <td>
                  <code>{plane.instanceId}</code>
                </td>
                <td>
                  <span className={`badge ${plane.state}`}>{plane.state.toLowerCase().replace('_', ' ')}</span>
                </td>
                <td>v{plane.snapshotVersion ?? '—'}</td>
                <td>
                  <code>{plane.snapshotHash?.slice(0, 12) ?? '—'}</code>
                </td>
                <td>{plane.snapshotSource?.toLowerCase() ?? '—'}</td>
                <td>{plane.degradedModes.map((mode) => mode.toLowerCase().replaceAll('_', ' ')).join(', ') || 'none'}</td>
                <td>{plane.inFlight}</td>
                <td>{when(plane.lastSeenAt)}</td>
                <td>{plane.lastRefusedSnapshot ? `v${plane.lastRefusedSnapshot.version}: ${plane.lastRefusedSnapshot.reason}` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
