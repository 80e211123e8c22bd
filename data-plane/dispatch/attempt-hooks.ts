import type { ChatCompletionRequest } from '../../shared/openai/chat-request.ts';
import type { UsageEvent } from '../../shared/events/usage-event.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { CompiledApiKey, CompiledModel, CompiledSnapshot, CompiledTarget } from '../snapshot/compiled-snapshot.ts';

/** The attempt about to be made, for hooks that reserve or check something per attempt. */
export interface AttemptContext {
  requestId: string;
  /** 1-based, the same index the attempt's usage event will carry. */
  attempt: number;
  snapshot: CompiledSnapshot;
  apiKey: CompiledApiKey;
  model: CompiledModel;
  target: CompiledTarget;
  /** As sent upstream (system prompt included). */
  request: ChatCompletionRequest;
  /** Prompt tokens (gpt-tokenizer, counted once per request on first call). */
  promptTokens(): number;
}

export type AttemptAdmission =
  | {
      admitted: true;
      /**
       * Called exactly once with the attempt's usage event, whatever its outcome (ok, upstream
       * error, timeout, client abort), right after it is handed to the usage publisher.
       */
      settle?(event: UsageEvent): void;
    }
  | {
      admitted: false;
      /**
       * `deployment`: skip this deployment (e.g. its own rpm is spent) and go on with the plan;
       * `request`: end the request with `error` (e.g. the team's budget is spent).
       */
      scope: 'deployment' | 'request';
      error: GatewayError;
    };

/**
 * Per-attempt hooks, called by the attempt loop (dispatch-request.ts) around every upstream attempt:
 * `beforeAttempt` before the upstream is called (reserve), `settle` after it ends (settle the
 * reservation with the metered figure). Throwing from `beforeAttempt` ends the request.
 */
export interface AttemptHooks {
  beforeAttempt(context: AttemptContext): AttemptAdmission | Promise<AttemptAdmission>;
}

/** An admission with nothing to settle: what an attempt gets when no hook has a claim on it. */
export const ADMITTED: AttemptAdmission = { admitted: true };
