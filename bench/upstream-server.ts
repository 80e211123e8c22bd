/**
 * The fake upstream, run as its own process (`node --import tsx bench/upstream-server.ts`): an
 * OpenAI-compatible `/v1/chat/completions` on uWebSockets.js with precomputed answers, so it costs
 * as little CPU as possible on the two cores it shares with the gateway and the load generator.
 *
 * Environment: BENCH_UPSTREAM_LATENCY_MS (before the response head), BENCH_UPSTREAM_CHUNK_MS (between
 * SSE frames; 0 writes the whole stream at once). Prints `{"port":N}` on stdout once listening.
 */
import uWS from 'uWebSockets.js';
import { completionBody, streamFrames } from './payloads.ts';

const latencyMs = Number(process.env.BENCH_UPSTREAM_LATENCY_MS ?? 0);
const chunkMs = Number(process.env.BENCH_UPSTREAM_CHUNK_MS ?? 0);
const MODEL = 'bench-upstream-model';
const COMPLETION = completionBody(MODEL);
const FRAMES = streamFrames(MODEL, true);
const FRAMES_NO_USAGE = streamFrames(MODEL, false);

const app = uWS.App();

app.post('/v1/chat/completions', (res, req) => {
  const state = { aborted: false };
  res.onAborted(() => (state.aborted = true));
  void req;
  let body = '';
  res.onData((chunk, isLast) => {
    body += Buffer.from(chunk).toString('latin1');
    if (!isLast) return;
    // A substring test, not JSON.parse: the upstream's CPU is not what we measure.
    const stream = body.includes('"stream":true');
    const usage = body.includes('"include_usage":true');
    const answer = () => (stream ? sendStream(res, state, usage ? FRAMES : FRAMES_NO_USAGE) : sendCompletion(res, state));
    if (latencyMs > 0) setTimeout(answer, latencyMs);
    else answer();
  });
});

app.any('/*', (res) => {
  res.writeStatus('404 Not Found').end('{"error":{"message":"unknown url","type":"invalid_request_error","param":null,"code":"unknown_url"}}');
});

function sendCompletion(res: uWS.HttpResponse, state: { aborted: boolean }): void {
  if (state.aborted) return;
  res.cork(() => {
    res.writeStatus('200 OK').writeHeader('content-type', 'application/json').end(COMPLETION);
  });
}

function sendStream(res: uWS.HttpResponse, state: { aborted: boolean }, frames: string[]): void {
  if (state.aborted) return;
  res.cork(() => {
    res.writeStatus('200 OK').writeHeader('content-type', 'text/event-stream; charset=utf-8').writeHeader('cache-control', 'no-cache');
    if (chunkMs === 0) {
      for (const frame of frames) res.write(frame);
      res.end();
    } else {
      res.write(frames[0]);
    }
  });
  if (chunkMs === 0) return;
  let next = 1;
  const timer = setInterval(() => {
    if (state.aborted) return clearInterval(timer);
    res.cork(() => {
      if (next < frames.length) res.write(frames[next++]);
      if (next >= frames.length) {
        clearInterval(timer);
        res.end();
      }
    });
  }, chunkMs);
}

app.listen('127.0.0.1', 0, (socket) => {
  if (!socket) {
    console.error('fake upstream: could not listen');
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify({ port: uWS.us_socket_local_port(socket as unknown as uWS.us_socket) })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
