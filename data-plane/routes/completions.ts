import { toCompletionUsage } from '../../shared/openai/chat-response.ts';
import { TextCompletionRequest } from '../../shared/openai/text-completion.ts';
import type { RouteHandler } from '../http/router.ts';
import { parseJsonBody } from './parse-json-body.ts';
import { endpointNotSupported, singleAttempt, type SingleAttemptDeps } from './single-attempt.ts';

/**
 * `POST /v1/completions` (legacy text completions): passed through to providers that still
 * serve it (openai, openai-compatible, azure-openai); 400 `unsupported_endpoint` for the others.
 * Streams keep OpenAI's framing; usage is always requested upstream, forwarded on request.
 */
export function completionsRoute(deps: SingleAttemptDeps): RouteHandler {
  return async (exchange) => {
    const request = parseJsonBody(exchange.body, TextCompletionRequest);
    const prompt = typeof request.prompt === 'string' ? [request.prompt] : request.prompt.filter((item): item is string => typeof item === 'string');
    await singleAttempt(
      exchange,
      deps,
      request,
      prompt.map((text) => ({ role: 'user' as const, content: text })),
      (model, adapter, target) => {
        if (!adapter.completeText || !adapter.streamText) throw endpointNotSupported('/v1/completions', model.model.name, target.provider.kind);
      },
      async ({ adapter, target, meter }) => {
        const call = { request, upstreamModel: target.deployment.upstreamModel, provider: target.provider, signal: exchange.signal };
        if (request.stream !== true) {
          const result = await adapter.completeText!(call);
          meter.answered(result.status);
          if (result.usage) meter.reportUsage(result.usage);
          else for (const choice of result.completion.choices) meter.countText(choice.text ?? '');
          exchange.sendJson(200, result.completion);
          return;
        }
        const opened = await adapter.streamText!(call);
        meter.answered(opened.status);
        const stream = exchange.openEventStream();
        const clientWantsUsage = request.stream_options?.include_usage === true;
        let last: { id: string; created: number; model: string } | null = null;
        let usageSent = false;
        for await (const event of opened.events) {
          if (exchange.signal.aborted) return;
          if (event.type === 'chunk') {
            for (const choice of event.chunk.choices) meter.countText(choice.text ?? '');
            last = event.chunk;
            await stream.send(JSON.stringify(event.chunk));
          } else {
            meter.reportUsage(event.usage);
            if (clientWantsUsage) {
              const chunk = event.chunk ?? { id: last?.id ?? 'cmpl-tollgate', object: 'text_completion', created: last?.created ?? Math.floor(Date.now() / 1000), model: last?.model ?? call.upstreamModel, choices: [], usage: toCompletionUsage(event.usage) };
              await stream.send(JSON.stringify(chunk));
              usageSent = true;
            }
          }
        }
        if (exchange.signal.aborted) return;
        if (clientWantsUsage && !usageSent) {
          const usage = toCompletionUsage(meter.tokens('ok').tokens);
          await stream.send(JSON.stringify({ id: last?.id ?? 'cmpl-tollgate', object: 'text_completion', created: last?.created ?? Math.floor(Date.now() / 1000), model: last?.model ?? call.upstreamModel, choices: [], usage }));
        }
        await stream.send('[DONE]');
        stream.end();
      },
    );
  };
}
