import { Agent } from 'undici';

export interface UpstreamAgentOptions {
  /** Connections per upstream origin: concurrent requests beyond this queue. */
  connectionsPerOrigin?: number;
  /** Time to the response head; a non-streamed completion only answers once fully generated. */
  headersTimeoutMs?: number;
  /** Longest silence between two body chunks. */
  bodyTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/**
 * The HTTP client for every HTTP provider: one undici Agent (a pool per origin), shared, so
 * connections are reused across requests and snapshots.
 */
export function createUpstreamAgent(options: UpstreamAgentOptions = {}): Agent {
  return new Agent({
    connections: options.connectionsPerOrigin ?? 256,
    // undici never pipelines POSTs anyway; 1 states it and keeps one stream per connection.
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: options.headersTimeoutMs ?? 300_000,
    bodyTimeout: options.bodyTimeoutMs ?? 120_000,
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
  });
}
