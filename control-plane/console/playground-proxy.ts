import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/** The console's playground posts here; the control plane forwards to the data plane as an ordinary client. */
export const PLAYGROUND_PREFIX = '/playground/v1/';

const FORWARDED_REQUEST_HEADERS = ['authorization', 'content-type', 'accept', 'x-request-id'];
const MAX_BODY_BYTES = 1 << 20;

/**
 * A pass-through for the console's playground, so the browser stays on one origin and the data plane
 * needs no CORS: only the playground's own requests take this path, never an application's.
 * `target()` is the data plane's base URL (`http://host:port`), or undefined when none is known.
 */
export function createPlaygroundProxy(target: () => string | undefined) {
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const pathname = (req.url ?? '').split('?')[0];
    if (!pathname.startsWith(PLAYGROUND_PREFIX)) return false;
    const base = target();
    if (!base) {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            message: 'No data plane URL is configured for the playground (TOLLGATE_DATA_PLANE_URL).',
            type: 'service_unavailable',
            param: null,
            code: 'playground_unavailable',
          },
        }),
      );
      return true;
    }
    if (req.method !== 'POST' && req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET, POST' }).end();
      return true;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: { message: 'Playground request body too large.', type: 'invalid_request_error', param: null, code: 'body_too_large' } }),
        );
        return true;
      }
      chunks.push(chunk as Buffer);
    }
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    let upstream: Response;
    try {
      upstream = await fetch(`${base}/v1/${pathname.slice(PLAYGROUND_PREFIX.length)}`, {
        method: req.method,
        headers,
        body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
        signal: abort.signal,
      });
    } catch {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { message: 'The data plane could not be reached.', type: 'service_unavailable', param: null, code: 'data_plane_unreachable' },
          }),
        );
      }
      return true;
    }
    const out: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (name.startsWith('x-') || name === 'content-type' || name === 'retry-after' || name === 'cache-control') out[name] = value;
    });
    res.writeHead(upstream.status, out);
    if (!upstream.body) {
      res.end();
      return true;
    }
    Readable.fromWeb(upstream.body as never)
      .on('error', () => res.destroy())
      .pipe(res);
    return true;
  };
}
