import { performance } from 'node:perf_hooks';
import { type ChatCompletion, withRequiredChoiceFields } from '../../shared/openai/chat-response.ts';
import type { TokenCounts } from '../../shared/pricing/cost.ts';
import type { AttemptRun } from '../request/attempt.ts';

/** What differs between the non-streamed endpoints (chat, legacy text, embeddings). */
export interface WholeShape<TBody> {
  /**
   * Calls the upstream for the whole answer, in OpenAI's shape. `raw`: the upstream's bytes when
   * `body` is exactly them parsed (then written as they are, unless `withUsage` changes the body).
   */
  call(run: AttemptRun): Promise<{ status: number; body: TBody; usage: TokenCounts | null; raw?: string }>;
  /** The generated texts: estimated from when the provider reports no usage, and prompt-logged. */
  texts(body: TBody): string[];
  /** The body as the client gets it, given the tokens the usage event counts (fills in usage the provider left out). */
  withUsage?(body: TBody, tokens: TokenCounts): TBody;
}

/** A non-streamed attempt: one upstream answer, relayed as JSON. Errors propagate to the attempt. */
export async function relayWhole<TBody>(run: AttemptRun, shape: WholeShape<TBody>): Promise<void> {
  const { exchange, meter, clock } = run;
  const result = await clock.race(shape.call(run));
  clock.gotFirstByte();
  // Adapters without HTTP stamp nothing: their whole call counts as the upstream's time.
  const { timing } = run.call;
  if (timing && !timing.lastByteAt) timing.lastByteAt = performance.now();
  meter.answered(result.status);
  meter.observeAnswer(result.body);
  const texts = shape.texts(result.body);
  if (result.usage) meter.reportUsage(result.usage);
  else for (const text of texts) meter.countText(text);
  if (run.output) for (const text of texts) run.output(text);
  const guarding = run.answerGuard?.finish();
  if (guarding) await guarding;
  // Usage first, then the answer: a process killed in between loses a response, never its usage.
  await run.end('ok');
  // Committed last, right before the one write, so x-tollgate-overhead-ms counts all the
  // gateway's own time, the usage handover included.
  const body = shape.withUsage ? shape.withUsage(result.body, meter.tokens('ok').tokens) : result.body;
  run.commit();
  exchange.sendJson(200, body, body === result.body ? result.raw : undefined);
}

/** Chat completions (`/v1/chat/completions` without `stream`). */
export const chatWhole: WholeShape<ChatCompletion> = {
  async call(run) {
    const result = await run.adapter.complete(run.call);
    const body = withRequiredChoiceFields(result.completion);
    // The upstream's bytes go out as they came when the answer needed no field added.
    return { status: result.status, body, usage: result.usage, raw: body === result.completion ? result.raw : undefined };
  },
  texts: (completion) => completion.choices.map(messageContent),
};

/** A non-streamed chat attempt. */
export const completeAttempt = (run: AttemptRun): Promise<void> => relayWhole(run, chatWhole);

function messageContent(choice: object): string {
  const content = (choice as { message?: { content?: unknown } }).message?.content;
  return typeof content === 'string' ? content : '';
}
