import type { BlockList, Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import { guardedLookup, literalAddressProblem, parseAllowedRanges } from './address-guard.ts';
import { Agent, buildConnector, type Connector, type ConnectorOptions, errors } from './undici-parts.ts';

export interface UpstreamAgentOptions {
  /** Connections per upstream origin: concurrent requests beyond this queue. */
  connectionsPerOrigin?: number;
  /** Time to the response head; a non-streamed completion only answers once fully generated. 0: none. */
  headersTimeoutMs?: number;
  /** Longest silence between two body chunks. 0: none. */
  bodyTimeoutMs?: number;
  /** The connect timeout (TCP + TLS) of calls whose deployment sets none. */
  connectTimeoutMs?: number;
  /**
   * Private ranges team-owned providers may reach anyway (TOLLGATE_BYOK_ALLOWED_CIDRS), e.g. a
   * team's vLLM on the internal network. Everything else non-public is refused (address-guard.ts).
   */
  byokAllowedCidrs?: readonly string[];
}

/** `public-only`: the provider is team-owned; connect only to public addresses (address-guard.ts). */
export type UpstreamReach = 'any' | 'public-only';

/**
 * The HTTP clients of every HTTP provider. undici fixes the connect timeout per pool, not per
 * request, so each distinct connect timeout (one per deployment setting, in practice a handful)
 * gets its own Agent (a pool per origin), kept for the process's life: connections are reused
 * across requests and snapshots, and a deployment's `connectMs` holds for its calls alone.
 */
export interface UpstreamAgents {
  /** The agent for calls with this connect timeout (the default one for undefined) and reach. */
  forConnectTimeout(connectTimeoutMs: number | undefined, reach?: UpstreamReach): Dispatcher;
  /** Closes every agent, cutting in-flight upstream requests. */
  destroy(): Promise<void>;
}

export function createUpstreamAgents(options: UpstreamAgentOptions = {}): UpstreamAgents {
  const defaultConnectMs = options.connectTimeoutMs ?? 10_000;
  const agents = new Map<string, Agent>();
  const allowed = parseAllowedRanges(options.byokAllowedCidrs ?? []).list;
  const create = (connectMs: number, reach: UpstreamReach) =>
    new Agent({
      connections: options.connectionsPerOrigin ?? 256,
      // undici never pipelines POSTs anyway; 1 states it and keeps one stream per connection.
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: options.headersTimeoutMs ?? 300_000,
      bodyTimeout: options.bodyTimeoutMs ?? 120_000,
      connect: preciseConnector(connectMs, reach === 'public-only' ? allowed : null),
    });
  return {
    forConnectTimeout(connectTimeoutMs, reach = 'any') {
      const connectMs = connectTimeoutMs ?? defaultConnectMs;
      // Separate pools: a guarded call never reuses a connection an unguarded one opened.
      const key = `${connectMs}:${reach}`;
      let agent = agents.get(key);
      if (!agent) agents.set(key, (agent = create(connectMs, reach)));
      return agent;
    },
    async destroy() {
      await Promise.all([...agents.values()].map((agent) => agent.destroy()));
      agents.clear();
    },
  };
}

/**
 * undici's own connect timer runs on its coarse "fast timers" (they tick every 500 ms, so a 200 ms
 * connect timeout fires after about a second). This connector keeps undici's TCP + TLS connect
 * and enforces `timeoutMs` with an ordinary timer, ending the attempt with the same
 * UND_ERR_CONNECT_TIMEOUT error undici would raise.
 */
function preciseConnector(timeoutMs: number, publicOnly: BlockList | null): Connector {
  // Guarded: every connection resolves through the address guard (names) or is checked first (literal IPs).
  const connect = buildConnector(publicOnly ? ({ timeout: 0, lookup: guardedLookup(publicOnly) } as ConnectorOptions) : { timeout: 0 });
  return (options, callback) => {
    const forbidden = publicOnly ? literalAddressProblem(options.hostname, publicOnly) : null;
    if (forbidden) return void callback(forbidden, null);
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    // buildConnector returns the connecting socket, though its typings say void.
    const socket = connect(options, (...args) => {
      clearTimeout(timer);
      if (done) return void args[1]?.destroy();
      done = true;
      callback(...args);
    }) as unknown as Socket | undefined;
    timer = setTimeout(() => {
      if (done) return;
      done = true;
      socket?.destroy();
      callback(new errors.ConnectTimeoutError(`Connect Timeout Error (attempted address: ${options.hostname}:${options.port}, timeout: ${timeoutMs}ms)`), null);
    }, timeoutMs);
  };
}
