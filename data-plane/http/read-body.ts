import type { HttpResponse } from 'uWebSockets.js';
import { bodyTooLarge } from '../errors/client-errors.ts';
import type { AbortHook } from './cancellation.ts';

/**
 * Reads a request body of at most `limitBytes`. Must be called synchronously inside the uWS
 * handler: data that arrives before onData is attached is lost. Rejects with a 413 GatewayError
 * as soon as the limit is passed (declared or counted), and with the abort reason when the client
 * leaves, so no caller waits forever.
 */
export function readBody(res: HttpResponse, limitBytes: number, declaredLength: number | null, cancellation: AbortHook): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (declaredLength !== null && declaredLength > limitBytes) {
      reject(bodyTooLarge(limitBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    cancellation.onAbort((reason) => {
      settled = true;
      reject(reason);
    });
    res.onData((chunk, isLast) => {
      if (settled) return;
      total += chunk.byteLength;
      if (total > limitBytes) {
        settled = true;
        reject(bodyTooLarge(limitBytes));
        return;
      }
      // uWS neuters the ArrayBuffer when this callback returns: copy it (the last one too, as
      // the body is used after awaits; at most limitBytes are ever copied).
      chunks.push(Buffer.from(new Uint8Array(chunk)));
      if (isLast) {
        settled = true;
        resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total));
      }
    });
  });
}

/** The Content-Length header as a number, or null when absent or unparseable (chunked bodies). */
export function declaredContentLength(value: string | undefined): number | null {
  if (!value || !/^\d+$/.test(value)) return null;
  return Number(value);
}
