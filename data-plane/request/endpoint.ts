import type { ChatCompletionRequest } from '../../shared/openai/chat-request.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { TextMap } from '../guardrails/chat-text.ts';
import type { ProviderAdapter } from '../providers/adapter.ts';
import type { CompiledModel } from '../snapshot/compiled-snapshot.ts';
import type { AttemptRun } from './attempt.ts';

/**
 * What one OpenAI endpoint (`/v1/chat/completions`, `/v1/embeddings`, `/v1/completions`) brings
 * to the one attempt loop. Everything else (auth, model resolution, the plan with its fallback
 * chain, money, retries, cooldowns, deadlines, usage events) is the same for all of them.
 */
export interface Endpoint {
  /** The path, for messages (`/v1/embeddings`). */
  path: string;
  /**
   * The request in chat terms: the prompt as messages, the output bound as `max_tokens`,
   * `stream`, `user`. Admission (tokens reserved against budgets), the context window, usage
   * estimates and prompt logs read this. For chat it is the request itself, after team policy.
   */
  request: ChatCompletionRequest;
  /** Whether the prompt is checked against the model's context window (not per-input embeddings). */
  checksContextWindow: boolean;
  /**
   * Top-level body fields the endpoint does not define (parse-json-body.ts); refused unless a
   * deployment of the requested model allow-lists them. Absent means none.
   */
  extraParameters?: readonly string[];
  /** Whether a provider kind's adapter implements this endpoint; other deployments are skipped. */
  servedBy(adapter: ProviderAdapter): boolean;
  /** What the model lacks to serve this request (a 400), or null. Fallback models lacking it are skipped. */
  capabilityGap(model: CompiledModel): GatewayError | null;
  /**
   * Makes one attempt's upstream call and relays its answer. It must race every upstream wait on
   * `run.clock`, call `run.commit()` right before the first byte goes to the client, and
   * `await run.end('ok')` before the response's last bytes (see AttemptRun).
   */
  relay(run: AttemptRun): Promise<void>;
  /**
   * The same endpoint with every prompt text (message contents, a system prompt, embedding
   * inputs) passed through `map`, once each and always in the same order: how guardrails mask or
   * rewrite a prompt in the body that goes upstream. Absent: the endpoint cannot be rewritten.
   */
  mapText?(map: TextMap): Endpoint;
}
