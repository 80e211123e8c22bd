import type { TextCompletion, TextCompletionRequest } from '../../shared/openai/text-completion.ts';
import type { TextCompletionCall } from '../providers/adapter.ts';
import type { AttemptRun } from '../request/attempt.ts';
import { relayWhole } from './relay-completion.ts';
import { relayStream, type StreamShape, usageOnlyFrame } from './relay-stream.ts';

/** The legacy text completion call of this attempt: the client's body with the attempt's routing. */
function textCall(run: AttemptRun, request: TextCompletionRequest): TextCompletionCall {
  return { ...run.call, request };
}

/** A non-streamed `/v1/completions` attempt, relayed as JSON. */
export function completeTextAttempt(run: AttemptRun, request: TextCompletionRequest): Promise<void> {
  return relayWhole(run, {
    async call(attempt) {
      const result = await attempt.adapter.completeText!(textCall(attempt, request));
      return { status: result.status, body: result.completion, usage: result.usage };
    },
    texts: (completion) => completion.choices.map((choice) => choice.text ?? ''),
  });
}

/** A streamed `/v1/completions` attempt: OpenAI's `text_completion` frames, same contract as chat streams. */
export function streamTextAttempt(run: AttemptRun, request: TextCompletionRequest): Promise<void> {
  const shape: StreamShape<TextCompletion> = {
    open: (attempt) => attempt.adapter.streamText!(textCall(attempt, request)),
    seen(chunk, meter, output) {
      for (const choice of chunk.choices) {
        meter.countText(choice.text ?? '');
        if (output && choice.text) output(choice.text);
      }
    },
    usageChunk: (last, model, usage) => usageOnlyFrame(last, model, usage, 'text_completion', 'cmpl-tollgate'),
  };
  return relayStream(run, shape);
}
