/**
 * Realistic wire sizes for the benchmark: a ~200-token prompt, a ~100-token completion, and an
 * SSE stream of 20 content chunks. Token counts follow the usual 4-characters-per-token average.
 */

const WORDS = (
  'the gateway forwards each request to the provider chosen by the routing table while metering ' +
  'tokens and cost so that platform teams can give many applications access to many models under ' +
  'plans budgets and rate limits with exact accounting and low overhead on every request path'
).split(' ');

/** `tokens` tokens of plausible English (about 4 characters each). */
export function text(tokens: number, seed = 0): string {
  const out: string[] = [];
  let chars = 0;
  for (let i = 0; chars < tokens * 4; i++) {
    const word = WORDS[(i * 7 + seed) % WORDS.length];
    out.push(word);
    chars += word.length + 1;
  }
  return out.join(' ');
}

export const PROMPT_TOKENS = 200;
export const COMPLETION_TOKENS = 100;
export const STREAM_CHUNKS = 20;

/** The client body: a system and a user message adding up to about 200 prompt tokens. */
export function chatRequestBody(model: string, stream: boolean): string {
  return JSON.stringify({
    model,
    messages: [
      { role: 'system', content: text(40, 1) },
      { role: 'user', content: text(PROMPT_TOKENS - 40 - 8, 2) },
    ],
    temperature: 0.2,
    max_tokens: 256,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}

const USAGE = {
  prompt_tokens: PROMPT_TOKENS,
  completion_tokens: COMPLETION_TOKENS,
  total_tokens: PROMPT_TOKENS + COMPLETION_TOKENS,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

const COMPLETION_TEXT = text(COMPLETION_TOKENS, 3);

/** OpenAI's non-streamed answer, as the real API shapes it. */
export function completionBody(model: string): string {
  return JSON.stringify({
    id: 'chatcmpl-bench0000000000000000000000',
    object: 'chat.completion',
    created: 1_763_856_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: COMPLETION_TEXT, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
    usage: USAGE,
    service_tier: 'default',
    system_fingerprint: 'fp_bench',
  });
}

/**
 * OpenAI's SSE frames: a role chunk, 20 content chunks, a finish chunk, the usage-only chunk when
 * asked for (`usage: null` on the others, as the real API does), then `[DONE]`.
 */
export function streamFrames(model: string, includeUsage: boolean): string[] {
  const base = {
    id: 'chatcmpl-bench0000000000000000000000',
    object: 'chat.completion.chunk',
    created: 1_763_856_000,
    model,
    service_tier: 'default',
    system_fingerprint: 'fp_bench',
  };
  const usageNull = includeUsage ? { usage: null } : {};
  const frame = (delta: object, finish: string | null) =>
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...usageNull })}\n\n`;
  const words = COMPLETION_TEXT.split(/(?<= )/);
  const per = Math.ceil(words.length / STREAM_CHUNKS);
  const frames = [frame({ role: 'assistant', content: '', refusal: null }, null)];
  for (let i = 0; i < STREAM_CHUNKS; i++) frames.push(frame({ content: words.slice(i * per, (i + 1) * per).join('') }, null));
  frames.push(frame({}, 'stop'));
  if (includeUsage) frames.push(`data: ${JSON.stringify({ ...base, choices: [], usage: USAGE })}\n\n`);
  frames.push('data: [DONE]\n\n');
  return frames;
}
