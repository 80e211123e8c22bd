import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderAdapter, UpstreamCall } from '../adapter.ts';
import { guardStream, readBodyText, sendUpstream } from '../http-call.ts';
import type { UpstreamAgents } from '../upstream-agent.ts';
import { authorize, bedrockRegion, bedrockSecret, parseBedrockCredential } from './credential.ts';
import { toConverseRequest } from './map-request.ts';
import { toCompletionResult } from './map-response.ts';
import { toStreamEvents } from './map-stream.ts';

/**
 * Bedrock names the error in `x-amzn-errortype`; a few mean something other than their status:
 * ModelNotReadyException (429 on the wire) is the model not being there yet, a 503 for us;
 * ModelErrorException (424) is the model failing, a 500; a quota (ServiceQuotaExceeded, 400)
 * is a rate limit. The rest keep their status (ValidationException 400, AccessDenied and
 * UnrecognizedClient 403, Throttling 429, ModelTimeout 408, ServiceUnavailable 503).
 */
function effectiveStatus(status: number, _body: string, headers: IncomingHttpHeaders): number {
  const type = String(headers['x-amzn-errortype'] ?? '').split(':')[0];
  if (type === 'ModelNotReadyException') return 503;
  if (type === 'ModelErrorException') return 500;
  if (type === 'ServiceQuotaExceededException') return 429;
  return status;
}

function requestIdOf(headers: IncomingHttpHeaders): string | null {
  const id = headers['x-amzn-requestid'];
  return typeof id === 'string' && /^[A-Za-z0-9-]{1,100}$/.test(id) ? id : null;
}

/**
 * `bedrock`: Amazon Bedrock's Converse and ConverseStream APIs (one request shape for every
 * model on Bedrock), signed with SigV4 (aws4fetch) or sent with a Bedrock API key; streams come
 * in AWS's binary event-stream framing (decoded by smithy's codec). No embeddings: those are
 * InvokeModel with a body per model family, not Converse (the route answers 400).
 */
export function createBedrockAdapter(options: { agents: UpstreamAgents }): ProviderAdapter {
  const { agents } = options;

  async function send(call: UpstreamCall, stream: boolean) {
    const region = bedrockRegion(call.provider);
    const credential = parseBedrockCredential(call.provider.credential);
    const wire = await authorize(toConverseRequest(call, region, stream), credential, region, call.provider.name);
    // Only the secret part is redacted from what the upstream says (the JSON as a whole never appears).
    const sending = { ...call, provider: { ...call.provider, credential: bedrockSecret(credential) } };
    return { response: await sendUpstream(agents, sending, wire, { effectiveStatus }), sending };
  }

  return {
    async complete(call) {
      const { response, sending } = await send(call, false);
      const context = { providerName: call.provider.name, upstreamModel: call.upstreamModel, requestId: requestIdOf(response.headers) };
      return toCompletionResult(response.statusCode, await readBodyText(response, sending), context);
    },

    async stream(call) {
      const { response, sending } = await send(call, true);
      const context = {
        providerName: call.provider.name,
        status: response.statusCode,
        credential: sending.provider.credential,
        upstreamModel: call.upstreamModel,
        requestId: requestIdOf(response.headers),
      };
      return { status: response.statusCode, events: guardStream(response, sending, (body) => toStreamEvents(body, context)) };
    },
  };
}
