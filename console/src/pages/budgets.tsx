import { type FormEvent, useMemo, useRef, useState } from 'react';
import { useQuery, useSubscription } from 'urql';
import { TimeChart } from '../components/chart.tsx';
import { FieldInput, FieldSelect, FormError, PageHeader, QueryError } from '../components/ui.tsx';
import { useAction } from '../components/use-action.ts';
import { toMicroUsd, usd, when } from '../format.ts';
import { graphql, MutationErrors, type ResultOf } from '../graphql.ts';
import { TeamGate, TeamPicker, useAccess, useSelectedTeamId } from '../viewer.tsx';

const StatusFields = graphql(`
  fragment StatusFields on BudgetStatus {
    at teamId
    budgets { budgetId scope scopeId period hard amount spent remaining exhausted burnRatePerDay thresholdsReached periodStart periodEnd fromPlan }
  }
`);
const BudgetsQuery = graphql(
  `query Budgets($teamId: ID!) {
    budgetStatus(teamId: $teamId) { ...StatusFields }
    budgetAlerts(teamId: $teamId, first: 20) { edges { node { id budgetId threshold spent amount createdAt } } }
    team(id: $teamId) { id credits { balance granted spent } creditTransactions(first: 20) { edges { node { id kind amount reason actor createdAt } } } }
  }`,
  [StatusFields],
);
const LiveStatus = graphql(`subscription LiveBudgetStatus($teamId: ID!) { budgetStatus(teamId: $teamId) { ...StatusFields } }`, [StatusFields]);
const SetBudget = graphql(
  `mutation SetBudget($input: SetBudgetInput!) { setBudget(input: $input) { __typename ... on MutationSetBudgetSuccess { data { id } } ...MutationErrors } }`,
  [MutationErrors],
);
const GrantCredits = graphql(
  `mutation GrantCredits($input: GrantCreditsInput!) { grantCredits(input: $input) { __typename ... on MutationGrantCreditsSuccess { data { id } } ...MutationErrors } }`,
  [MutationErrors],
);

type Status = ResultOf<typeof StatusFields>;

export function BudgetsPage() {
  const teamId = useSelectedTeamId();
  return (
    <>
      <PageHeader title="Budgets and credits">
        <TeamPicker />
      </PageHeader>
      <TeamGate teamId={teamId}>{(team) => <TeamBudgets key={team.id} teamId={team.id} />}</TeamGate>
    </>
  );
}

function TeamBudgets({ teamId }: { teamId: string }) {
  const access = useAccess();
  const [{ data, error }, refetch] = useQuery({ query: BudgetsQuery, variables: { teamId } });
  // Burn-down: every status the subscription pushes (after each stored usage batch) is a point.
  const [history, setHistory] = useState<Status[]>([]);
  useSubscription({ query: LiveStatus, variables: { teamId } }, (_previous: unknown, response: ResultOf<typeof LiveStatus>) => {
    setHistory((current) => [...current, response.budgetStatus as unknown as Status].slice(-500));
    return response;
  });
  // The newest status a read answered: two reads in flight (the page's first, the re-read after a
  // change here) can answer out of order, and the older answer must not replace the newer.
  const read = data?.budgetStatus as unknown as Status | null | undefined;
  const newestRead = useRef<Status | null>(null);
  if (read && (!newestRead.current || Date.parse(read.at) >= Date.parse(newestRead.current.at))) newestRead.current = read;
  const initial = newestRead.current;
  // The newest of the query (re-read after a change here) and the subscription's last push.
  const pushed = history.at(-1);
  const latest = pushed && (!initial || Date.parse(pushed.at) >= Date.parse(initial.at)) ? pushed : initial;
  const chart = useMemo(() => {
    const points = [...(initial ? [initial] : []), ...history].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const ids = latest?.budgets.map((budget) => budget.budgetId) ?? [];
    const colors = ['#dc2626', '#2563eb', '#16a34a', '#9333ea', '#ea580c'];
    return {
      x: points.map((point) => Date.parse(point.at) / 1000),
      series: ids.map((id, index) => ({
        label: `remaining ${index + 1} ($)`,
        color: colors[index % colors.length],
        values: points.map((point) => {
          const budget = point.budgets.find((candidate) => candidate.budgetId === id);
          return budget ? Number(budget.remaining) / 1e6 : null;
        }),
      })),
    };
  }, [initial, history, latest]);
  const setBudget = useAction(SetBudget);
  const grant = useAction(GrantCredits);

  async function submitBudget(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const values = new FormData(form);
    let amount: string;
    try {
      amount = toMicroUsd(String(values.get('amount') ?? ''));
    } catch (problem) {
      return setBudget.setErrors({ fields: { amount: (problem as Error).message } });
    }
    const scope = String(values.get('scope')) as 'TEAM' | 'KEY';
    const thresholds = String(values.get('alertThresholds') ?? '')
      .split(',')
      .map((item) => Number(item.trim()))
      .filter((item) => item > 0);
    const done = await setBudget.execute({
      input: {
        scope,
        scopeId: scope === 'TEAM' ? teamId : String(values.get('scopeId') ?? ''),
        amount,
        period: String(values.get('period')) as 'MONTHLY',
        hard: values.get('hard') === 'on',
        alertThresholds: thresholds.length ? thresholds : undefined,
      },
    });
    if (done) refetch({ requestPolicy: 'network-only' });
  }
  async function submitGrant(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const values = new FormData(form);
    let amount: string;
    try {
      amount = toMicroUsd(String(values.get('amount') ?? ''));
    } catch (problem) {
      return grant.setErrors({ fields: { amount: (problem as Error).message } });
    }
    const done = await grant.execute({ input: { teamId, amount, reason: String(values.get('reason') ?? '') } });
    if (done) {
      form.reset();
      refetch({ requestPolicy: 'network-only' });
    }
  }

  return (
    <>
      <QueryError error={error} />
      <TimeChart title="Burn-down: remaining per budget" x={chart.x} series={chart.series} />
      <h2>Budgets</h2>
      <div className="table-wrap">
        <table aria-label="Budgets">
          <thead>
            <tr>
              <th>Scope</th>
              <th>Period</th>
              <th>Kind</th>
              <th>Amount</th>
              <th>Spent</th>
              <th>Remaining</th>
              <th>Burn rate / day</th>
              <th>Alerts reached</th>
              <th>Period</th>
            </tr>
          </thead>
          <tbody>
            {latest?.budgets.map((budget) => (
              <tr key={budget.budgetId} data-testid={`budget-${budget.scope}`}>
                <td>
                  {budget.scope.toLowerCase()}
                  {budget.fromPlan ? ' (plan)' : ''}
                </td>
                <td>{budget.period.toLowerCase()}</td>
                <td>
                  {budget.hard ? 'hard' : 'soft'}
                  {budget.exhausted ? ', exhausted' : ''}
                </td>
                <td>{usd(budget.amount)}</td>
                <td data-testid="budget-spent">{usd(budget.spent, 6)}</td>
                <td data-testid="budget-remaining">{usd(budget.remaining, 6)}</td>
                <td>{usd(budget.burnRatePerDay, 6)}</td>
                <td>{budget.thresholdsReached.map((threshold) => `${threshold}%`).join(', ') || '—'}</td>
                <td>
                  {when(budget.periodStart)} → {when(budget.periodEnd)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {latest && latest.budgets.length === 0 ? <p className="empty">No budgets for this team.</p> : null}
      {access.canWrite ? (
        <form className="card" onSubmit={submitBudget} aria-labelledby="set-budget-title" noValidate>
          <h3 id="set-budget-title">Set a budget</h3>
          <div className="form-grid">
            <FieldSelect
              label="Scope"
              name="scope"
              options={[
                { value: 'TEAM', label: 'this team' },
                { value: 'KEY', label: 'one key' },
              ]}
              errors={setBudget.errors}
            />
            <FieldInput label="Key id (scope: one key)" name="scopeId" errors={setBudget.errors} />
            <FieldInput label="Amount (USD)" name="amount" required errors={setBudget.errors} />
            <FieldSelect
              label="Period"
              name="period"
              defaultValue="MONTHLY"
              options={['DAILY', 'WEEKLY', 'MONTHLY', 'TOTAL'].map((value) => ({ value, label: value.toLowerCase() }))}
              errors={setBudget.errors}
            />
            <FieldInput label="Alert thresholds (%)" name="alertThresholds" placeholder="50, 80, 100" errors={setBudget.errors} />
            <div className="field">
              <label>
                <input type="checkbox" name="hard" defaultChecked /> Hard (refuse requests when spent)
              </label>
            </div>
          </div>
          <FormError errors={setBudget.errors} />
          <button type="submit">Set budget</button>
        </form>
      ) : null}
      <h2>Alerts</h2>
      <ul aria-label="Budget alerts">
        {data?.budgetAlerts.edges.map(({ node: alert }) => (
          <li key={alert.id}>
            {when(alert.createdAt)}: {alert.threshold}% reached ({usd(alert.spent)} of {usd(alert.amount)})
          </li>
        ))}
      </ul>
      {data?.budgetAlerts.edges.length === 0 ? <p className="empty">No alerts.</p> : null}
      <h2>Credits</h2>
      <p data-testid="credit-balance">
        Balance {usd(data?.team?.credits.balance)} (granted {usd(data?.team?.credits.granted)}, spent {usd(data?.team?.credits.spent)})
      </p>
      {access.isAdmin ? (
        <form className="card" onSubmit={submitGrant} aria-labelledby="grant-title" noValidate>
          <h3 id="grant-title">Grant credits</h3>
          <div className="form-grid">
            <FieldInput label="Credit amount (USD)" name="amount" required errors={grant.errors} />
            <FieldInput label="Reason" name="reason" required errors={grant.errors} />
          </div>
          <FormError errors={grant.errors} />
          <button type="submit">Grant credits</button>
        </form>
      ) : null}
      <div className="table-wrap">
        <table aria-label="Credit transactions">
          <thead>
            <tr>
              <th>When</th>
              <th>Kind</th>
              <th>Amount</th>
              <th>Reason</th>
              <th>By</th>
            </tr>
          </thead>
          <tbody>
            {data?.team?.creditTransactions.edges.map(({ node: transaction }) => (
              <tr key={transaction.id}>
                <td>{when(transaction.createdAt)}</td>
                <td>{transaction.kind}</td>
                <td>{usd(transaction.amount)}</td>
                <td>{transaction.reason}</td>
                <td>{transaction.actor}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
