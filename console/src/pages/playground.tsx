import { type FormEvent, useId, useRef, useState } from 'react';
import { useQuery, useSubscription } from 'urql';
import { type ChatResult, type ChatTurn, streamChat } from '../chat-stream.ts';
import { PageHeader } from '../components/ui.tsx';
import { count, usd } from '../format.ts';
import { graphql, type ResultOf } from '../graphql.ts';
import { recentSecrets } from '../secrets.ts';
import { TeamPicker, useSelectedTeamId } from '../viewer.tsx';

const ModelsQuery = graphql(`query PlaygroundModels { models(first: 50) { edges { node { id name aliases } } } }`);
const PlaygroundUsage = graphql(`
  subscription PlaygroundUsage($teamId: ID!) { usage(teamId: $teamId) { id requestId cost promptTokens completionTokens outcome } }
`);

interface Exchange {
  question: string;
  answer: string;
  pending: boolean;
  result?: ChatResult;
}

/** Chat through the data plane like any client: the key's own limits, budgets and routing apply. */
export function PlaygroundPage() {
  const ids = { key: useId(), model: useId(), system: useId(), temperature: useId(), message: useId(), stream: useId() };
  const teamId = useSelectedTeamId();
  const [{ data: models }] = useQuery({ query: ModelsQuery });
  const [apiKey, setApiKey] = useState(recentSecrets[0]?.secret ?? '');
  const [exchanges, setExchanges] = useState<Exchange[]>([]);
  const [costs, setCosts] = useState<Record<string, ResultOf<typeof PlaygroundUsage>['usage'][]>>({});
  const abort = useRef<AbortController | null>(null);
  const busy = exchanges.some((exchange) => exchange.pending);
  useSubscription(
    { query: PlaygroundUsage, variables: { teamId: teamId ?? '' }, pause: !teamId },
    (_previous: unknown, response: ResultOf<typeof PlaygroundUsage>) => {
      const event = response.usage;
      setCosts((current) => ({ ...current, [event.requestId]: [...(current[event.requestId] ?? []), event] }));
      return response;
    },
  );

  async function send(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const question = String(form.get('message') ?? '').trim();
    if (!question || !apiKey) return;
    const system = String(form.get('system') ?? '').trim();
    const temperatureText = String(form.get('temperature') ?? '').trim();
    const history: ChatTurn[] = exchanges.flatMap((exchange) => [
      { role: 'user' as const, content: exchange.question },
      { role: 'assistant' as const, content: exchange.answer },
    ]);
    const messages: ChatTurn[] = [...(system ? [{ role: 'system' as const, content: system }] : []), ...history, { role: 'user', content: question }];
    const index = exchanges.length;
    setExchanges((current) => [...current, { question, answer: '', pending: true }]);
    (event.currentTarget.elements.namedItem('message') as HTMLTextAreaElement).value = '';
    abort.current = new AbortController();
    const update = (patch: (exchange: Exchange) => Exchange) =>
      setExchanges((current) => current.map((exchange, i) => (i === index ? patch(exchange) : exchange)));
    try {
      const result = await streamChat(
        {
          apiKey,
          model: String(form.get('model')),
          messages,
          temperature: temperatureText === '' ? undefined : Number(temperatureText),
          stream: form.get('stream') === 'on',
        },
        (text) => update((exchange) => ({ ...exchange, answer: exchange.answer + text })),
        abort.current.signal,
      );
      update((exchange) => ({ ...exchange, pending: false, result }));
    } catch (error) {
      update((exchange) => ({ ...exchange, pending: false, result: { status: 0, headers: {}, requestId: null, usage: null, error: String(error) } }));
    }
  }

  return (
    <>
      <PageHeader title="Playground">
        <TeamPicker />
      </PageHeader>
      <form className="card" onSubmit={send} aria-label="Chat settings">
        <div className="form-grid">
          <div className="field">
            <label htmlFor={ids.key}>API key</label>
            <input
              id={ids.key}
              name="apiKey"
              type="password"
              autoComplete="off"
              value={apiKey}
              onChange={(event) => setApiKey(event.target.value)}
              list={`${ids.key}-recent`}
              required
              aria-describedby={`${ids.key}-hint`}
            />
            <small id={`${ids.key}-hint`}>
              A key's secret (shown once at creation{recentSecrets.length ? '; the newest one from this tab is filled in' : ''}). Cost and usage are the key's
              team's (pick that team above).
            </small>
          </div>
          <div className="field">
            <label htmlFor={ids.model}>Model</label>
            <select id={ids.model} name="model">
              {models?.models.edges
                .flatMap(({ node }) => [node.name, ...node.aliases])
                .map((name) => (
                  <option key={name}>{name}</option>
                ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.temperature}>Temperature</label>
            <input id={ids.temperature} name="temperature" type="number" min="0" max="2" step="0.1" placeholder="model default" />
          </div>
          <div className="field">
            <label htmlFor={ids.stream}>
              <input id={ids.stream} name="stream" type="checkbox" defaultChecked /> Stream the answer
            </label>
          </div>
        </div>
        <div className="field">
          <label htmlFor={ids.system}>System prompt</label>
          <textarea id={ids.system} name="system" rows={2} />
        </div>
        <div className="field">
          <label htmlFor={ids.message}>Message</label>
          <textarea
            id={ids.message}
            name="message"
            rows={3}
            required
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) event.currentTarget.form?.requestSubmit();
            }}
          />
          <small>Ctrl+Enter sends.</small>
        </div>
        <div className="row">
          <button type="submit" disabled={busy}>
            Send
          </button>
          {busy ? (
            <button type="button" className="secondary" onClick={() => abort.current?.abort()}>
              Stop
            </button>
          ) : null}
          {exchanges.length ? (
            <button type="button" className="secondary" disabled={busy} onClick={() => setExchanges([])}>
              Clear
            </button>
          ) : null}
        </div>
      </form>
      <section className="chat" aria-label="Conversation" aria-live="polite">
        {exchanges.map((exchange, i) => (
          <article key={i} className="exchange">
            <div className="message user">{exchange.question}</div>
            <div className="message assistant" data-testid="answer" aria-busy={exchange.pending}>
              {exchange.answer || (exchange.pending ? '…' : '')}
            </div>
            {exchange.result ? <AnswerMeta result={exchange.result} events={exchange.result.requestId ? costs[exchange.result.requestId] : undefined} /> : null}
          </article>
        ))}
      </section>
    </>
  );
}

function AnswerMeta({ result, events }: { result: ChatResult; events?: ResultOf<typeof PlaygroundUsage>['usage'][] }) {
  const cost = events?.reduce((total, event) => total + BigInt(event.cost), 0n);
  return (
    <div className="meta" data-testid="answer-meta">
      {result.error ? (
        <p className="error" role="alert">
          HTTP {result.status}: {result.error}
        </p>
      ) : null}
      <p>
        Tokens: {result.usage ? `${count(result.usage.prompt_tokens)} in, ${count(result.usage.completion_tokens)} out` : '—'} · Cost:{' '}
        <span data-testid="answer-cost">{cost === undefined ? 'waiting for the ledger…' : usd(cost.toString(), 6)}</span>
      </p>
      <dl className="headers" aria-label="Response headers">
        {Object.entries(result.headers).map(([name, value]) => (
          <div key={name} style={{ display: 'contents' }}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
