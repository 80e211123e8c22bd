import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerToken } from './auth/principal.ts';
import type { Principal } from './context.ts';

/** GraphQL request bodies above this are refused unread (a large mutation is a few KB; variables included). */
export const DEFAULT_MAX_GRAPHQL_BODY_BYTES = 1024 * 1024;

export type GateResult = { pass: true; principal?: Principal } | { pass: false };

/**
 * In front of GraphQL over HTTP: a POST is refused before its body is read when it has no
 * declared length (411), carries no valid bearer token (401, checked first: an anonymous caller
 * learns nothing about the limits), or declares more than `maxBodyBytes` (413). Only then does Yoga read it, with the caller already resolved. The refusal closes
 * the connection, so the unread body is never drained.
 *
 * GET (GraphiQL, queries in the URL, bounded by the header limit) goes through unchanged; Yoga's
 * own plugins then refuse anonymous operations as before.
 */
export function createGraphQLGate(options: { endpoint: string; maxBodyBytes: number; resolvePrincipal: (token: string | null) => Promise<Principal> }) {
  return async function gate(req: IncomingMessage, res: ServerResponse): Promise<GateResult> {
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== options.endpoint) return { pass: true };
    const length = req.headers['content-length'];
    if (length === undefined) return refuse(res, 411, 'LENGTH_REQUIRED', 'a GraphQL POST needs a Content-Length header');
    let principal: Principal;
    try {
      principal = await options.resolvePrincipal(bearerToken(req.headers.authorization));
    } catch {
      // The database is down (a member token needs it): Yoga resolves again and answers 503.
      return { pass: true };
    }
    if (principal.kind === 'anonymous') return refuse(res, 401, 'UNAUTHENTICATED', 'missing or invalid bearer token');
    if (!/^\d+$/.test(length) || Number(length) > options.maxBodyBytes) {
      return refuse(res, 413, 'PAYLOAD_TOO_LARGE', `the request body is larger than ${options.maxBodyBytes} bytes`);
    }
    return { pass: true, principal };
  };
}

function refuse(res: ServerResponse, status: number, code: string, message: string): GateResult {
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.shouldKeepAlive = false;
  res.writeHead(status, {
    'content-type': 'application/graphql-response+json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
    ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
  });
  res.end(body);
  return { pass: false };
}
