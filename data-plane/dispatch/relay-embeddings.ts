import type { EmbeddingRequest } from '../../shared/openai/embeddings.ts';
import type { AttemptRun } from './attempt-run.ts';
import { relayWhole } from './relay-completion.ts';

/** A `/v1/embeddings` attempt: the client's body with the attempt's routing; no output tokens. */
export function embedAttempt(run: AttemptRun, request: EmbeddingRequest): Promise<void> {
  return relayWhole(run, {
    async call(attempt) {
      const result = await attempt.deps.adapters[attempt.call.provider.kind].embed!({ ...attempt.call, request });
      return { status: result.status, body: result.response, usage: result.usage };
    },
    texts: () => [],
  });
}
