import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** A graphql-ws client for the harness's endpoint, authenticated by connection params. */
export function wsClient(httpUrl: string, token: string): Client {
  return createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
}

/** Subscribes and hands back an iterator of results (each `{ data?, errors? }`). */
export function subscribe<T = any>(client: Client, query: string, variables: Record<string, unknown> = {}) {
  return client.iterate<T>({ query, variables });
}

/** The next result, or a timeout error after `ms`. */
export async function nextWithin<T>(iterator: AsyncIterator<T>, ms = 5000): Promise<IteratorResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no subscription result within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
