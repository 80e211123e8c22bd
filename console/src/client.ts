import { Client, cacheExchange, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { useSyncExternalStore } from 'react';

/** The live connection as the user should see it. */
export type LiveStatus = 'connecting' | 'connected' | 'reconnecting';

let status: LiveStatus = 'connecting';
const statusListeners = new Set<() => void>();
function setStatus(next: LiveStatus) {
  if (next === status) return;
  status = next;
  for (const listener of statusListeners) listener();
}

export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    (listener) => {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    () => status,
  );
}

function webSocketUrl(): string {
  const url = new URL('/graphql', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/**
 * One urql client per signed-in token: queries and mutations over HTTP, subscriptions over
 * graphql-ws (same origin). A dropped socket is retried forever with backoff; the status drives
 * the "reconnecting" banner, and subscriptions resume on their own once it is back.
 */
export function createApiClient(token: string): { client: Client; ws: WsClient } {
  status = 'connecting';
  let everConnected = false;
  const ws = createWsClient({
    url: webSocketUrl(),
    lazy: false,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: async (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** retries, 5_000))),
    keepAlive: 10_000,
    on: {
      connected: () => {
        everConnected = true;
        setStatus('connected');
      },
      closed: () => setStatus(everConnected ? 'reconnecting' : 'connecting'),
    },
  });
  const client = new Client({
    url: '/graphql',
    requestPolicy: 'cache-and-network',
    fetchOptions: () => ({ headers: { authorization: `Bearer ${token}` } }),
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
  });
  return { client, ws };
}
