import type { RoutingStrategy } from '../snapshot/schema.ts';

/**
 * Routing profiles ("power levels") every data plane knows, so `x-tollgate-profile: eco` works
 * before anyone configures one; a snapshot profile of the same name replaces the built-in. The
 * control plane's `eco-enterprise` seed creates the same three, so both planes read them here.
 */
export const BUILT_IN_PROFILES = {
  eco: { strategy: 'cost', description: 'Cheapest deployment first.' },
  balanced: { strategy: 'weighted', description: 'Spread by deployment weight.' },
  precision: { strategy: 'latency', description: 'Fastest healthy deployment first.' },
} as const satisfies Record<string, { strategy: RoutingStrategy; description: string }>;

export type BuiltInProfileName = keyof typeof BUILT_IN_PROFILES;

/** The profile used when neither the header nor the key, team or plan names one. */
export const DEFAULT_PROFILE: BuiltInProfileName = 'balanced';
