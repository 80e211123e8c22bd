import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import sirv from 'sirv';

/**
 * Where `npm run build:console` writes the web console (console/vite.config.ts): under the project
 * root, found upwards from this file (it runs from the sources under tsx and from dist/ once built).
 */
export const consoleDistDir = path.join(projectRoot(import.meta.dirname), 'console', 'dist');

function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'console'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '../..');
  }
}

/**
 * Serves the built web console on the control plane's origin (same origin as /graphql, so no CORS).
 * Every path that is not a file answers index.html: the console routes on the client.
 * Returns false for what is not a console request (the caller hands it on).
 */
export function createConsoleHandler(distDir = consoleDistDir) {
  const built = existsSync(path.join(distDir, 'index.html'));
  // Hashed assets never change under their name; index.html must be re-read after a rebuild.
  const serve = built
    ? sirv(distDir, {
        single: true,
        etag: true,
        gzip: false,
        setHeaders(res, pathname) {
          res.setHeader('cache-control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
          res.setHeader('x-content-type-options', 'nosniff');
        },
      })
    : null;
  return function handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const pathname = (req.url ?? '/').split('?')[0];
    if (pathname === '/graphql' || pathname.startsWith('/graphql/')) return false;
    if (!serve) {
      res
        .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
        .end('The web console is not built. Run `npm run build:console` (npm ci does it), then restart.\n');
      return true;
    }
    serve(req, res, () => {
      res.writeHead(404).end();
    });
    return true;
  };
}
