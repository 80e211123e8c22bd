import type { ChatCompletion } from '../../shared/openai/chat-response.ts';
import type { TokenCounts } from '../../shared/pricing/cost.ts';
import type { AttemptRun } from '../request/attempt.ts';

/** What differs between the non-streamed endpoints (chat, legacy text, embeddings). */
export interface WholeShape<TBody> {
  /** Calls the upstream for the whole answer, in OpenAI's shape. */
  call(run: AttemptRun): Promise<{ status: number; body: TBody; usage: TokenCounts | null }>;
  /** The generated texts: estimated from when the provider reports no usage, and prompt-logged. */
  texts(body: TBody): string[];
}

/** A non-streamed attempt: one upstream answer, relayed as JSON. Errors propagate to the attempt. */
export async function relayWhole<TBody>(run: AttemptRun, shape: WholeShape<TBody>): Promise<void> {
  const { exchange, meter, clock } = run;
  const result = await clock.race(shape.call(run));
  meter.answered(result.status);
  const texts = shape.texts(result.body);
  if (result.usage) meter.reportUsage(result.usage);
  else for (const text of texts) meter.countText(text);
  if (run.output) for (const text of texts) run.output(text);
  run.commit();
  // Usage first, then the answer: a process killed in between loses a response, never its usage.
  await run.end('ok');
  exchange.sendJson(200, result.body);
}

/** Chat completions (`/v1/chat/completions` without `stream`). */
export const chatWhole: WholeShape<ChatCompletion> = {
  async call(run) {
    const result = await run.adapter.complete(run.call);
    return { status: result.status, body: result.completion, usage: result.usage };
  },
  texts: (completion) => completion.choices.map(messageContent),
};

/** A non-streamed chat attempt. */
export const completeAttempt = (run: AttemptRun): Promise<void> => relayWhole(run, chatWhole);

function messageContent(choice: object): string {
  const content = (choice as { message?: { content?: unknown } }).message?.content;
  return typeof content === 'string' ? content : '';
}
