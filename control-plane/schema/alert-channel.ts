import {
  ALERT_CHANNEL_KINDS,
  ALERT_EVENTS,
  CreateAlertChannelInput as CreateAlertChannelSchema,
  createAlertChannel,
  deleteAlertChannel,
  listAlertChannels,
} from '../domain/alerts/alert-channels.ts';
import { builder } from './builder.ts';
import { enumFrom } from './common.ts';
import { withDomainErrors } from './errors.ts';
import { inputTypeFrom } from './zod-input.ts';

const AlertChannelKind = enumFrom(
  'AlertChannelKind',
  ALERT_CHANNEL_KINDS,
  'SLACK: a Slack-compatible incoming webhook (`{"text"}`); WEBHOOK: JSON, signed when it has a secret.',
);
const AlertEvent = enumFrom(
  'AlertEvent',
  ALERT_EVENTS,
  'BUDGET: a budget crossed an alert threshold; DEGRADED: a data plane entered a degraded mode or was lost (platform channels).',
);

builder.prismaObject('AlertChannel', {
  description: 'Where alerts go. The URL and secret are stored sealed and never returned.',
  fields: (t) => ({
    id: t.exposeID('id'),
    teamId: t.exposeID('teamId', { nullable: true, description: 'Null: a platform channel (every team, and degraded modes).' }),
    name: t.exposeString('name'),
    kind: t.field({ type: AlertChannelKind, resolve: (channel) => channel.kind }),
    events: t.field({ type: [AlertEvent], resolve: (channel) => channel.events }),
    signed: t.boolean({ resolve: (channel) => channel.secretCiphertext !== null }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const CreateAlertChannelInput = inputTypeFrom('CreateAlertChannelInput', CreateAlertChannelSchema);

builder.queryFields((t) => ({
  alertChannels: t.prismaField({
    type: ['AlertChannel'],
    description: "A team's alert channels (its members), or the platform's (no teamId: platform admin).",
    args: { teamId: t.arg.id() },
    resolve: (_query, _root, args, ctx) => withDomainErrors(() => listAlertChannels(ctx, args.teamId ? String(args.teamId) : null)),
  }),
}));

builder.mutationFields((t) => ({
  createAlertChannel: t.prismaField({
    type: 'AlertChannel',
    args: { input: t.arg({ type: CreateAlertChannelInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => createAlertChannel(ctx, args.input),
  }),
  deleteAlertChannel: t.field({
    type: 'ID',
    args: { id: t.arg.id({ required: true }) },
    errors: {},
    resolve: (_root, args, ctx) => deleteAlertChannel(ctx, String(args.id)),
  }),
}));
