import { GatewayError } from '../errors/gateway-error.ts';
import type { ProviderAdapter } from './adapter.ts';

/** Stands in for a provider kind the snapshot may name but this data plane cannot speak yet. */
export function notSupportedAdapter(kind: string): ProviderAdapter {
  const fail = async (): Promise<never> => {
    throw new GatewayError({
      status: 503,
      type: 'service_unavailable',
      code: 'provider_kind_not_supported',
      message: `Provider kind ${kind} is not supported by this data plane yet.`,
    });
  };
  return { complete: fail, stream: fail };
}
