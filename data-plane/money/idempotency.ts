import { createHash } from 'node:crypto';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Exchange } from '../http/exchange.ts';
import { type RecordedResponse, RecordingExchange } from '../request/recording-exchange.ts';
import type { IdempotencyStore, StoredResponse } from './idempotency-store.ts';

export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/** Responses larger than this are not kept: a retry then runs (and is billed) again. */
const MAX_STORED_BYTES = 1024 * 1024;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** A request that runs under its Idempotency-Key: it answers through `exchange`, then `finish`es. */
export interface IdempotentRun {
  /** Records a successful response (the final write waits until it is stored). */
  exchange: Exchange;
  /** Once the request is over: waits for the store, and forgets the claim when nothing was stored. */
  finish(): Promise<void>;
}

/**
 * The idempotency stage of the pipeline, for `Idempotency-Key` on completions: the first request
 * with a key runs and its successful response is kept for 24 h; the same key with the same body
 * gets that response again (billed once, `idempotent-replayed: true`): 'replayed', the request is
 * answered. With another body, or while the first still runs, 409 (thrown). Keys are scoped to
 * the team. Null, synchronously, when there is nothing to do: no header, or Redis unreachable
 * (served rather than failed: a retry during the outage may run twice).
 */
export function beginIdempotency(exchange: Exchange, store: IdempotencyStore, teamId: string): null | Promise<IdempotentRun | 'replayed' | null> {
  const header = exchange.headers['idempotency-key'];
  if (header === undefined) return null;
  if (!KEY_PATTERN.test(header)) {
    throw new GatewayError({
      status: 400,
      type: 'invalid_request_error',
      code: 'invalid_idempotency_key',
      param: 'Idempotency-Key',
      message: 'Idempotency-Key must be 1 to 255 visible ASCII characters.',
    });
  }
  return claim(exchange, store, `${teamId}:${createHash('sha256').update(header).digest('hex')}`);
}

async function claim(exchange: Exchange, store: IdempotencyStore, key: string): Promise<IdempotentRun | 'replayed' | null> {
  const bodyHash = createHash('sha256').update(exchange.body).digest('hex');
  let begun;
  try {
    begun = await store.begin(key, bodyHash, IDEMPOTENCY_TTL_MS);
  } catch {
    return null;
  }
  if (begun.state === 'body_mismatch') throw conflict('idempotency_key_reused', 'This Idempotency-Key was already used with a different request body.');
  if (begun.state === 'in_progress') throw conflict('idempotency_in_progress', 'A request with this Idempotency-Key is still in progress; retry later.');
  if (begun.state === 'replay') {
    await replay(exchange, begun.response);
    return 'replayed';
  }

  let stored = false;
  // Stored before the last byte goes out, so a client that retries at once already finds it.
  const recorder = new RecordingExchange(exchange, async (recorded) => {
    const response = toStored(recorded);
    if (!response || Buffer.byteLength(JSON.stringify(response)) > MAX_STORED_BYTES) return;
    await store.complete(key, bodyHash, response, IDEMPOTENCY_TTL_MS).then(
      () => (stored = true),
      () => {},
    );
  });
  return {
    exchange: recorder,
    async finish() {
      await recorder.persisted();
      if (!stored) await store.abandon(key).catch(() => {});
    },
  };
}

/** Named events (Anthropic's, the Responses API's) are not replayed by this stage: such streams are not stored. */
function toStored(recorded: RecordedResponse): StoredResponse | null {
  if (recorded.kind === 'json') return recorded;
  if (recorded.frames.some((frame) => frame.event !== undefined)) return null;
  return { kind: 'sse', frames: recorded.frames.map((frame) => frame.data) };
}

function conflict(code: string, message: string): GatewayError {
  return new GatewayError({ status: 409, type: 'invalid_request_error', code, param: 'Idempotency-Key', message });
}

async function replay(exchange: Exchange, response: StoredResponse): Promise<void> {
  exchange.setHeader('idempotent-replayed', 'true');
  if (response.kind === 'json') return exchange.sendJson(response.status, response.body);
  const stream = exchange.openEventStream();
  for (const frame of response.frames) await stream.send(frame);
  stream.end();
}
