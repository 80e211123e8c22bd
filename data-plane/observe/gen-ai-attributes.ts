import type { Attributes } from '@opentelemetry/api';
import type { UsageEvent } from '../../shared/events/usage-event.ts';
import type { AttemptResponse, AttemptStart } from './tracing.ts';

/**
 * OpenTelemetry's GenAI semantic conventions on upstream attempt spans, so Langfuse, Datadog and
 * Grafana read them like any instrumented client: the provider (`gen_ai.provider.name`, and the
 * older `gen_ai.system` still read by many backends), the operation, the request and response
 * models, sampling parameters, token usage and finish reasons. The `tollgate.*` attributes stay.
 */
const PROVIDER_NAMES: Record<string, string> = {
  openai: 'openai',
  'azure-openai': 'azure.ai.openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  mistral: 'mistral_ai',
  cohere: 'cohere',
};

export function genAiRequestAttributes(attempt: AttemptStart): Attributes {
  const provider = PROVIDER_NAMES[attempt.providerKind] ?? attempt.providerKind;
  const request = attempt.request;
  const attributes: Attributes = {
    'gen_ai.operation.name': attempt.operation ?? 'chat',
    'gen_ai.provider.name': provider,
    'gen_ai.system': provider,
    'gen_ai.request.model': attempt.upstreamModel,
  };
  const maxTokens = request?.max_completion_tokens ?? request?.max_tokens;
  if (typeof maxTokens === 'number') attributes['gen_ai.request.max_tokens'] = maxTokens;
  if (typeof request?.temperature === 'number') attributes['gen_ai.request.temperature'] = request.temperature;
  if (typeof request?.top_p === 'number') attributes['gen_ai.request.top_p'] = request.top_p;
  return attributes;
}

export function genAiResponseAttributes(event: UsageEvent, response: AttemptResponse | undefined): Attributes {
  const attributes: Attributes = {
    'gen_ai.usage.input_tokens': event.promptTokens,
    'gen_ai.usage.output_tokens': event.completionTokens,
  };
  if (response?.model) attributes['gen_ai.response.model'] = response.model;
  if (response?.finishReasons.length) attributes['gen_ai.response.finish_reasons'] = [...response.finishReasons];
  return attributes;
}
