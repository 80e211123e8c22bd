import { GatewayError } from '../../errors/gateway-error.ts';
import type { UpstreamCall } from '../adapter.ts';

const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export interface WireRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * The client body re-serialised for the upstream with only `model` replaced by the deployment's
 * upstream model id (and, for streams, usage always requested: it is what we bill by). Unknown
 * client fields pass through untouched.
 */
export function toWireRequest(call: UpstreamCall, stream: boolean): WireRequest {
  const { provider } = call;
  const baseUrl = provider.baseUrl ?? (provider.kind === 'openai' ? OPENAI_BASE_URL : null);
  if (!baseUrl) {
    throw new GatewayError({
      status: 503,
      type: 'service_unavailable',
      code: 'provider_misconfigured',
      message: `Provider ${provider.name} has no base URL configured.`,
    });
  }
  const body = stream
    ? { ...call.request, model: call.upstreamModel, stream: true, stream_options: { ...call.request.stream_options, include_usage: true } }
    : { ...call.request, model: call.upstreamModel };
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
  };
  if (provider.credential !== null) headers.authorization = `Bearer ${provider.credential}`;
  if (call.requestId) headers['x-request-id'] = call.requestId;
  return { url: `${baseUrl.replace(/\/+$/, '')}/chat/completions`, headers, body: JSON.stringify(body) };
}
