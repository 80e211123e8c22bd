import uWS from 'uWebSockets.js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * uWebSockets.js silently falls back to a slow pure-JS implementation when its native binary
 * cannot load (wrong Node ABI, wrong glibc, UWS_USE_FALLBACK set). The loader returns the native
 * module object itself when it works, so the module we imported must be identical to the binary
 * required directly; anything else means we would serve on the fallback.
 */
export function assertNativeUws(): void {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('uWebSockets.js/package.json'));
  const binary = join(packageDir, 'binaries', `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`);
  let native: unknown;
  try {
    native = require(binary);
  } catch (error) {
    throw new Error(`uWebSockets.js has no native binary for this platform (${binary}): ${String(error)}`);
  }
  if (native !== uWS) {
    throw new Error('uWebSockets.js loaded its JS fallback instead of the native binary; refusing to run (is UWS_USE_FALLBACK set?)');
  }
}
