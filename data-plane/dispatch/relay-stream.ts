import { type ChatCompletionChunk, toCompletionUsage } from '../../shared/openai/chat-response.ts';
import type { TokenCounts } from '../../shared/pricing/cost.ts';
import { type AttemptRun, setOverheadHeader } from './attempt-run.ts';

/**
 * A streamed attempt. The SSE response starts only once the upstream accepted the request, so an
 * early upstream error is still a plain JSON error; after that, failures become the final SSE
 * event (rendered by the exchange when the error reaches it). Each frame is awaited, so a slow
 * client slows the upstream read instead of filling memory.
 */
export async function relayStream(run: AttemptRun): Promise<void> {
  const { exchange, meter, call } = run;
  const adapter = run.deps.adapters[call.provider.kind];
  const opened = await adapter.stream(call);
  meter.answered(opened.status);
  setOverheadHeader(run);
  const stream = exchange.openEventStream();
  // The client's own choice: we always ask the upstream for usage, but forward it only on request.
  const clientWantsUsage = call.request.stream_options?.include_usage === true;
  let lastChunk: ChatCompletionChunk | null = null;
  let usageSent = false;

  for await (const event of opened.events) {
    if (exchange.signal.aborted) break;
    if (event.type === 'chunk') {
      meter.countChunk(event.chunk);
      lastChunk = event.chunk;
      await stream.send(event.raw ?? JSON.stringify(event.chunk));
    } else {
      meter.reportUsage(event.usage);
      if (clientWantsUsage) {
        await stream.send(JSON.stringify(event.chunk ?? usageChunk(lastChunk, call.upstreamModel, event.usage)));
        usageSent = true;
      }
    }
  }
  if (exchange.signal.aborted) {
    run.end('aborted');
    return;
  }
  if (clientWantsUsage && !usageSent) {
    // The upstream reported nothing: the client still gets the usage chunk it asked for, with
    // the same estimate the usage event carries (flagged there as estimated).
    await stream.send(JSON.stringify(usageChunk(lastChunk, call.upstreamModel, meter.tokens('ok').tokens)));
  }
  await stream.send('[DONE]');
  stream.end();
  run.end('ok');
}

/** The usage-only final chunk (choices: []) in OpenAI's shape, matching the stream's id and model. */
function usageChunk(last: ChatCompletionChunk | null, model: string, usage: TokenCounts): ChatCompletionChunk {
  return {
    id: last?.id ?? 'chatcmpl-tollgate',
    object: 'chat.completion.chunk',
    created: last?.created ?? Math.floor(Date.now() / 1000),
    model: last?.model ?? model,
    choices: [],
    usage: toCompletionUsage(usage),
  };
}
