import { DEFAULT_PROFILE } from '../../shared/routing/built-in-profiles.ts';
import type { RoutingStrategy } from '../../shared/snapshot/schema.ts';
import { invalidRequest } from '../errors/client-errors.ts';
import type { CompiledApiKey, CompiledSnapshot } from '../snapshot/compiled-snapshot.ts';

export { BUILT_IN_PROFILES, DEFAULT_PROFILE } from '../../shared/routing/built-in-profiles.ts';

export const PROFILE_HEADER = 'x-tollgate-profile';

export interface SelectedProfile {
  name: string;
  strategy: RoutingStrategy;
}

/**
 * The request's routing profile: the header when sent (an unknown name is the client's mistake:
 * 400), else the key / team / plan default resolved at compile time, else `balanced`. A default
 * naming an unknown profile was warned about at compile time and falls back to `balanced`.
 */
export function selectProfile(snapshot: CompiledSnapshot, apiKey: CompiledApiKey, header: string | undefined): SelectedProfile {
  const requested = header?.trim();
  if (requested) {
    const strategy = snapshot.routingProfiles.get(requested);
    if (!strategy) {
      const known = [...snapshot.routingProfiles.keys()].join(', ');
      throw invalidRequest(`Unknown routing profile \`${requested}\` in ${PROFILE_HEADER}; known profiles: ${known}.`, null, 'unknown_routing_profile');
    }
    return { name: requested, strategy };
  }
  const name = apiKey.routing.profile ?? DEFAULT_PROFILE;
  const strategy = snapshot.routingProfiles.get(name);
  return strategy ? { name, strategy } : { name: DEFAULT_PROFILE, strategy: snapshot.routingProfiles.get(DEFAULT_PROFILE) ?? 'weighted' };
}
