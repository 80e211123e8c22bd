import type { EmbeddingRequest } from '../../shared/openai/embeddings.ts';
import type { AttemptRun } from '../request/attempt.ts';
import { relayWhole } from './relay-completion.ts';

/** A `/v1/embeddings` attempt: the client's body with the attempt's routing; no output tokens. */
export function embedAttempt(run: AttemptRun, request: EmbeddingRequest): Promise<void> {
  return relayWhole(run, {
    async call(attempt) {
      const result = await attempt.adapter.embed!({ ...attempt.call, request });
      return { status: result.status, body: result.response, usage: result.usage };
    },
    texts: () => [],
    // The spec requires usage; a provider without counts (Gemini) gets the estimate the usage event carries.
    withUsage: (body, tokens) => (body.usage ? body : { ...body, usage: { prompt_tokens: tokens.promptTokens, total_tokens: tokens.promptTokens } }),
  });
}
