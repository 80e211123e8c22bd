import { type FormEvent, useState } from 'react';
import { useQuery } from 'urql';
import { PageHeader, QueryError } from '../components/ui.tsx';
import { toCsv } from '../csv.ts';
import { count, startOfUtcMonth, usd } from '../format.ts';
import { graphql, type ResultOf } from '../graphql.ts';
import { TeamGate, TeamPicker, useSelectedTeamId } from '../viewer.tsx';

const RollupQuery = graphql(`
  query UsageRollup($teamId: ID!, $from: DateTime!, $to: DateTime!, $groupBy: [UsageDimension!]!) {
    usageRollup(teamId: $teamId, from: $from, to: $to, groupBy: $groupBy) {
      day model provider apiKeyId endUser requests attempts promptTokens completionTokens cachedTokens cost
    }
  }
`);

type Row = ResultOf<typeof RollupQuery>['usageRollup'][number];
export const DIMENSIONS = [
  { value: 'DAY', label: 'Day', column: 'day' },
  { value: 'MODEL', label: 'Model', column: 'model' },
  { value: 'PROVIDER', label: 'Provider', column: 'provider' },
  { value: 'KEY', label: 'Key', column: 'apiKeyId' },
  { value: 'END_USER', label: 'End user', column: 'endUser' },
] as const;
type Dimension = (typeof DIMENSIONS)[number]['value'];

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

export function UsagePage() {
  const teamId = useSelectedTeamId();
  return (
    <>
      <PageHeader title="Usage analytics">
        <TeamPicker />
      </PageHeader>
      <TeamGate teamId={teamId}>{(team) => <TeamUsage key={team.id} teamId={team.id} />}</TeamGate>
    </>
  );
}

function TeamUsage({ teamId }: { teamId: string }) {
  const [range, setRange] = useState({ from: isoDay(startOfUtcMonth()), to: isoDay(new Date()), groupBy: ['DAY', 'MODEL'] as Dimension[] });
  const variables = {
    teamId,
    from: `${range.from}T00:00:00.000Z`,
    to: new Date(Date.parse(`${range.to}T00:00:00.000Z`) + 86_400_000).toISOString(),
    groupBy: range.groupBy,
  };
  const [{ data, error, fetching }] = useQuery({ query: RollupQuery, variables });
  const rows = data?.usageRollup ?? [];
  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = new FormData(event.currentTarget);
    setRange({ from: String(values.get('from')), to: String(values.get('to')), groupBy: values.getAll('groupBy').map(String) as Dimension[] });
  }
  function download() {
    const url = URL.createObjectURL(
      new Blob(
        [
          toCsv(
            rows,
            DIMENSIONS.filter((d) => range.groupBy.includes(d.value)).map((d) => d.column),
          ),
        ],
        { type: 'text/csv' },
      ),
    );
    const link = document.createElement('a');
    link.href = url;
    link.download = `usage-${range.from}-${range.to}.csv`;
    link.click();
    URL.revokeObjectURL(url);
  }
  const shown = DIMENSIONS.filter((dimension) => range.groupBy.includes(dimension.value));
  return (
    <>
      <form className="card" onSubmit={apply} aria-label="Usage filters">
        <div className="form-grid">
          <div className="field">
            <label htmlFor="usage-from">From (UTC)</label>
            <input id="usage-from" name="from" type="date" defaultValue={range.from} required />
          </div>
          <div className="field">
            <label htmlFor="usage-to">To (UTC, inclusive)</label>
            <input id="usage-to" name="to" type="date" defaultValue={range.to} required />
          </div>
          <fieldset className="field">
            <legend>Group by</legend>
            <div className="row">
              {DIMENSIONS.map((dimension) => (
                <label key={dimension.value}>
                  <input type="checkbox" name="groupBy" value={dimension.value} defaultChecked={range.groupBy.includes(dimension.value)} /> {dimension.label}
                </label>
              ))}
            </div>
          </fieldset>
        </div>
        <div className="row">
          <button type="submit">Apply</button>
          <button type="button" className="secondary" onClick={download} disabled={rows.length === 0}>
            Export CSV
          </button>
        </div>
      </form>
      <QueryError error={error} />
      <div className="table-wrap">
        <table aria-label="Usage" aria-busy={fetching}>
          <thead>
            <tr>
              {shown.map((dimension) => (
                <th key={dimension.value}>{dimension.label}</th>
              ))}
              <th>Requests</th>
              <th>Attempts</th>
              <th>Prompt tokens</th>
              <th>Completion tokens</th>
              <th>Cost</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={index}>
                {shown.map((dimension) => (
                  <td key={dimension.value}>{row[dimension.column] ?? '—'}</td>
                ))}
                <td>{count(row.requests)}</td>
                <td>{count(row.attempts)}</td>
                <td>{count(row.promptTokens)}</td>
                <td>{count(row.completionTokens)}</td>
                <td>{usd(row.cost, 6)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data && rows.length === 0 ? <p className="empty">No usage in this range.</p> : null}
    </>
  );
}
