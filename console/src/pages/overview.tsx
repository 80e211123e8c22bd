import { useEffect, useMemo, useRef, useState } from 'react';
import { useQuery, useSubscription } from 'urql';
import { TimeChart } from '../components/chart.tsx';
import { PageHeader, QueryError, Stat } from '../components/ui.tsx';
import { count, percentile, startOfUtcDay, startOfUtcMonth, usd, when } from '../format.ts';
import { graphql, type ResultOf } from '../graphql.ts';
import { TeamGate, TeamPicker, useSelectedTeamId } from '../viewer.tsx';

const OverviewQuery = graphql(`
  query Overview($teamId: ID!, $monthFrom: DateTime!, $to: DateTime!) {
    month: usageRollup(teamId: $teamId, from: $monthFrom, to: $to, groupBy: [DAY]) {
      day requests attempts promptTokens completionTokens cost
    }
  }
`);

/** The API's cost limit allows about a hundred events per query: the rates are over the latest 100. */
const RecentEventsQuery = graphql(`
  query OverviewRecentEvents($teamId: ID!, $dayFrom: DateTime!) {
    today: usageEvents(teamId: $teamId, from: $dayFrom, first: 100) {
      edges { node { id latencyMs outcome startedAt } }
    }
  }
`);

const LiveUsage = graphql(`
  subscription LiveUsage($teamId: ID!) {
    usage(teamId: $teamId) {
      id requestId model provider promptTokens completionTokens cost latencyMs outcome status startedAt apiKeyId
    }
  }
`);

type LiveEvent = ResultOf<typeof LiveUsage>['usage'];

export function OverviewPage() {
  const teamId = useSelectedTeamId();
  return (
    <>
      <PageHeader title="Overview">
        <TeamPicker />
      </PageHeader>
      <TeamGate teamId={teamId}>{(team) => <TeamOverview key={team.id} teamId={team.id} />}</TeamGate>
    </>
  );
}

function TeamOverview({ teamId }: { teamId: string }) {
  const variables = useMemo(() => {
    const now = new Date();
    return {
      teamId,
      monthFrom: startOfUtcMonth(now).toISOString(),
      dayFrom: startOfUtcDay(now).toISOString(),
      to: new Date(now.getTime() + 86_400_000).toISOString(),
    };
  }, [teamId]);
  const [{ data: rollup, error }, refetchRollup] = useQuery({ query: OverviewQuery, variables: { teamId, monthFrom: variables.monthFrom, to: variables.to } });
  const [{ data: recent, error: recentError }, refetchRecent] = useQuery({ query: RecentEventsQuery, variables: { teamId, dayFrom: variables.dayFrom } });
  const [feed, setFeed] = useState<LiveEvent[]>([]);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useSubscription({ query: LiveUsage, variables: { teamId } }, (_previous: unknown, response: ResultOf<typeof LiveUsage>) => {
    setFeed((current) => [response.usage, ...current].slice(0, 50));
    // The counters come from the ledger: re-read them, at most once a second while events stream in.
    refreshTimer.current ??= setTimeout(() => {
      refreshTimer.current = null;
      refetchRollup({ requestPolicy: 'network-only' });
      refetchRecent({ requestPolicy: 'network-only' });
    }, 1_000);
    return response;
  });
  useEffect(() => () => void (refreshTimer.current && clearTimeout(refreshTimer.current)), []);

  const stats = useMemo(() => {
    const days = rollup?.month ?? [];
    const today = new Date().toISOString().slice(0, 10);
    const todayRow = days.find((row) => row.day === today);
    const sum = (rows: typeof days, pick: (row: (typeof days)[number]) => number) => rows.reduce((total, row) => total + pick(row), 0);
    const events = recent?.today.edges.map((edge) => edge.node) ?? [];
    const errors = events.filter((event) => event.outcome !== 'ok').length;
    const latencies = events.map((event) => event.latencyMs);
    return {
      requestsToday: todayRow?.requests ?? 0,
      tokensToday: todayRow ? todayRow.promptTokens + todayRow.completionTokens : 0,
      spendToday: todayRow?.cost ?? '0',
      requestsMonth: sum(days, (row) => row.requests),
      tokensMonth: sum(days, (row) => row.promptTokens + row.completionTokens),
      spendMonth: days.reduce((total, row) => total + BigInt(row.cost), 0n).toString(),
      errorRate: events.length ? errors / events.length : null,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      days,
      events,
    };
  }, [rollup, recent]);

  const dailyChart = useMemo(() => {
    const x = stats.days.map((row) => Date.parse(`${row.day}T00:00:00Z`) / 1000);
    const monthStart = Date.parse(variables.monthFrom) / 1000;
    const now = new Date();
    const monthEnd = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) / 1000;
    return {
      range: [monthStart - 43_200, monthEnd] as [number, number],
      x,
      requests: [{ label: 'requests', values: stats.days.map((row) => row.requests), color: '#2563eb' }],
      spend: [{ label: 'spend ($)', values: stats.days.map((row) => Number(row.cost) / 1e6), color: '#16a34a' }],
    };
  }, [stats.days, variables.monthFrom]);
  const latencyChart = useMemo(() => {
    const sorted = [...stats.events].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    return {
      x: sorted.map((event) => Date.parse(event.startedAt) / 1000),
      series: [{ label: 'latency (ms)', values: sorted.map((event) => event.latencyMs), color: '#9333ea' }],
    };
  }, [stats.events]);

  return (
    <>
      <QueryError error={error ?? recentError} />
      <section className="stats" aria-label="Key figures">
        <Stat label="Requests today" value={count(stats.requestsToday)} hint={`${count(stats.requestsMonth)} this month`} />
        <Stat label="Tokens today" value={count(stats.tokensToday)} hint={`${count(stats.tokensMonth)} this month`} />
        <Stat label="Spend today" value={usd(stats.spendToday)} />
        <Stat label="Spend this month" value={usd(stats.spendMonth)} />
        <Stat
          label="Error rate today"
          value={stats.errorRate === null ? '—' : `${(stats.errorRate * 100).toFixed(1)}%`}
          hint="latest 100 attempts today, not ok"
        />
        <Stat label="Latency p50 / p99" value={stats.p50 === null ? '—' : `${stats.p50} / ${stats.p99} ms`} hint="latest 100 attempts today" />
      </section>
      <section className="charts">
        <TimeChart title="Requests per day (this month)" x={dailyChart.x} series={dailyChart.requests} xRange={dailyChart.range} />
        <TimeChart title="Spend per day (this month)" x={dailyChart.x} series={dailyChart.spend} xRange={dailyChart.range} />
        <TimeChart title="Latency of the latest attempts" x={latencyChart.x} series={latencyChart.series} />
      </section>
      <section aria-labelledby="live-feed-title">
        <h2 id="live-feed-title">Live feed</h2>
        {feed.length === 0 ? <p className="empty">Waiting for requests… new usage appears here as it is stored.</p> : null}
        <div className="table-wrap">
          <table aria-label="Live usage feed" data-testid="live-feed">
            <thead>
              <tr>
                <th>Time</th>
                <th>Request</th>
                <th>Model</th>
                <th>Provider</th>
                <th>Tokens</th>
                <th>Cost</th>
                <th>Latency</th>
                <th>Outcome</th>
              </tr>
            </thead>
            <tbody>
              {feed.map((event) => (
                <tr key={event.id}>
                  <td>{when(event.startedAt)}</td>
                  <td>
                    <code>{event.requestId}</code>
                  </td>
                  <td>{event.model}</td>
                  <td>{event.provider}</td>
                  <td>{count(event.promptTokens + event.completionTokens)}</td>
                  <td>{usd(event.cost, 6)}</td>
                  <td>{event.latencyMs} ms</td>
                  <td>{event.outcome === 'ok' ? 'ok' : `${event.outcome} (${event.status})`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
