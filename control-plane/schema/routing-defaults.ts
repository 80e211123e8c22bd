import { requirePlatformAdmin } from '../domain/access.ts';
import {
  CooldownDefaults as CooldownDefaultsSchema,
  type RoutingDefaults,
  RoutingDefaultsInput as RoutingDefaultsSchema,
  readRoutingDefaults,
  setRoutingDefaults,
} from '../domain/routing-defaults/routing-defaults.ts';
import { builder } from './builder.ts';
// For DeploymentInput and TimeoutsInput, which zod fields holding their objects become.
import './deployment.ts';
import { withDomainErrors } from './errors.ts';
import { inputTypeFrom } from './zod-input.ts';

const NULL_MEANS = "null: the data planes' own default (their TOLLGATE_* environment, else the built-in value).";

const DefaultTimeouts = builder.objectRef<RoutingDefaults['timeouts']>('DefaultTimeouts').implement({
  description: `Milliseconds, for deployments without their own; ${NULL_MEANS}`,
  fields: (t) => ({
    connectMs: t.exposeInt('connectMs', { nullable: true }),
    firstByteMs: t.exposeInt('firstByteMs', { nullable: true }),
    totalMs: t.exposeInt('totalMs', { nullable: true }),
    idleMs: t.exposeInt('idleMs', { nullable: true }),
  }),
});

const CooldownDefaults = builder.objectRef<RoutingDefaults['cooldown']>('CooldownDefaults').implement({
  description: `A deployment failing \`failures\` times within \`windowMs\` is skipped for \`cooldownMs\`; ${NULL_MEANS}`,
  fields: (t) => ({
    failures: t.exposeInt('failures', { nullable: true }),
    windowMs: t.exposeInt('windowMs', { nullable: true }),
    cooldownMs: t.exposeInt('cooldownMs', { nullable: true }),
  }),
});

const RoutingDefaultsRef = builder.objectRef<RoutingDefaults>('RoutingDefaults').implement({
  description: `The platform's routing defaults, carried to every data plane in the snapshot (docs/routing.md). Each ${NULL_MEANS}`,
  fields: (t) => ({
    maxAttempts: t.exposeInt('maxAttempts', { nullable: true, description: 'Upstream attempts per request.' }),
    maxAttemptsPerModel: t.exposeInt('maxAttemptsPerModel', { nullable: true, description: 'Attempts per model of the fallback chain.' }),
    retryBackoffMs: t.exposeInt('retryBackoffMs', { nullable: true, description: 'Backoff before re-trying a deployment: the base.' }),
    retryBackoffMaxMs: t.exposeInt('retryBackoffMaxMs', { nullable: true, description: 'Backoff cap.' }),
    timeouts: t.field({ type: DefaultTimeouts, resolve: (d) => d.timeouts }),
    cooldown: t.field({ type: CooldownDefaults, resolve: (d) => d.cooldown }),
  }),
});

inputTypeFrom('CooldownDefaultsInput', CooldownDefaultsSchema, {
  description: 'failures 1 to 100; windowMs and cooldownMs 1 to 3,600,000. Omit or null for the default.',
});

const RoutingDefaultsInput = inputTypeFrom('RoutingDefaultsInput', RoutingDefaultsSchema, {
  description: 'The whole set: a field left out or null is unset (the data planes fall back to their own default).',
});

builder.queryFields((t) => ({
  routingDefaults: t.field({
    type: RoutingDefaultsRef,
    description: 'Platform admin. The routing defaults the snapshot carries (every field null when none are set).',
    resolve: (_root, _args, ctx) =>
      withDomainErrors(async () => {
        requirePlatformAdmin(ctx.principal);
        return readRoutingDefaults(ctx.prisma);
      }),
  }),
}));

builder.mutationFields((t) => ({
  setRoutingDefaults: t.field({
    type: RoutingDefaultsRef,
    description: 'Platform admin. Replaces the routing defaults (audited); every data plane applies them with the next snapshot.',
    args: { input: t.arg({ type: RoutingDefaultsInput, required: true }) },
    errors: {},
    resolve: (_root, args, ctx) => setRoutingDefaults(ctx, args.input),
  }),
}));
