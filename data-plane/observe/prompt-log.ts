import { maskPii } from '../../shared/logging/pii-mask.ts';
import { type ChatMessage, messageText } from '../../shared/openai/chat-request.ts';
import type { Logger } from '../logger.ts';

/**
 * One request's prompt and completion, for teams with `logPrompts` on. Collects the serving
 * attempt's output (a streamed one chunk by chunk) and writes one info line at the end, with
 * emails, phone and card numbers masked. Only ever created for those teams: the others pay nothing.
 */
export class PromptLog {
  private completion = '';

  constructor(
    private readonly logger: Logger,
    private readonly fields: { requestId: string; teamId: string; apiKeyId: string; model: string; streamed: boolean },
    private readonly messages: readonly ChatMessage[],
  ) {}

  /** A new attempt starts: what a failed one produced is not the completion. */
  attemptStarted(): void {
    this.completion = '';
  }

  output(text: string): void {
    this.completion += text;
  }

  /** Once, when the request is over; `status` as the client saw it (499: it left). */
  write(outcome: { status: number; attempts: number; servedModel: string | null }): void {
    const prompt = this.messages.map((message) => `${message.role}: ${messageText(message.content)}`).join('\n');
    this.logger.info(
      {
        ...this.fields,
        servedModel: outcome.servedModel,
        status: outcome.status,
        attempts: outcome.attempts,
        prompt: maskPii(prompt),
        completion: maskPii(this.completion),
      },
      'prompt and completion',
    );
  }
}
