import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { GraphQLContext } from '../../context.ts';
import { canReadTeam, requirePlatformAdmin, requireTeamRole } from '../access.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { displayName, id } from '../fields.ts';
import { runMutation } from '../mutate.ts';
import { validate } from '../validate.ts';

/** What an alert channel's sealed URL and secret are bound to (they open only for this channel and field). */
export function alertChannelBinding(channelId: string, field: 'url' | 'secret'): string {
  return JSON.stringify(['tollgate alert channel', channelId, field]);
}

export const ALERT_CHANNEL_KINDS = ['slack', 'webhook'] as const;
export const ALERT_EVENTS = ['budget', 'degraded'] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

export const CreateAlertChannelInput = z.object({
  teamId: id.nullish().describe("Omit for a platform channel (platform admin); a team's admins add their team's."),
  name: displayName,
  kind: z.enum(ALERT_CHANNEL_KINDS),
  url: z.url({ protocol: /^https?$/, message: 'url must be an http(s) URL' }).max(2048),
  secret: z
    .string()
    .min(16, 'secret must be at least 16 characters')
    .max(256)
    .nullish()
    .describe('WEBHOOK only: the HMAC-SHA256 key for `x-tollgate-signature`.'),
  events: z
    .array(z.enum(ALERT_EVENTS))
    .min(1, 'name at least one event')
    .transform((list) => [...new Set(list)].sort()),
});

/**
 * An alert channel: budget alerts of a team (its admins), or of every team plus the data planes'
 * degraded modes (a platform channel, platform admin). The URL and secret are sealed like
 * provider credentials and never returned.
 */
export async function createAlertChannel(ctx: GraphQLContext, input: unknown) {
  const data = validate(CreateAlertChannelInput, input);
  if (data.teamId) requireTeamRole(ctx.principal, data.teamId, 'admin', 'Team', data.teamId);
  else requirePlatformAdmin(ctx.principal);
  if (data.teamId && data.events.includes('degraded')) {
    throw new ValidationError([{ path: 'events', message: 'degraded-mode alerts are platform alerts: create the channel without teamId' }]);
  }
  if (data.kind === 'slack' && data.secret)
    throw new ValidationError([{ path: 'secret', message: 'Slack incoming webhooks are not signed; the URL is the secret' }]);
  return runMutation(ctx, 'createAlertChannel', async (tx) => {
    if (data.teamId && !(await tx.team.findUnique({ where: { id: data.teamId }, select: { id: true } }))) throw new NotFoundError('Team', data.teamId);
    const channelId = randomUUID();
    const channel = await tx.alertChannel.create({
      data: {
        id: channelId,
        teamId: data.teamId ?? null,
        name: data.name,
        kind: data.kind,
        urlCiphertext: ctx.secretBox.seal(data.url, alertChannelBinding(channelId, 'url')),
        secretCiphertext: data.secret ? ctx.secretBox.seal(data.secret, alertChannelBinding(channelId, 'secret')) : null,
        events: data.events,
      },
    });
    return {
      result: channel,
      audit: { entity: 'AlertChannel', entityId: channel.id, teamId: channel.teamId, changes: { ...data, url: '[redacted]' } },
      snapshot: false,
    };
  });
}

export async function deleteAlertChannel(ctx: GraphQLContext, channelId: string) {
  return runMutation(ctx, 'deleteAlertChannel', async (tx) => {
    const channel = await tx.alertChannel.findUnique({ where: { id: channelId } });
    if (!channel) throw new NotFoundError('AlertChannel', channelId);
    if (channel.teamId) requireTeamRole(ctx.principal, channel.teamId, 'admin', 'AlertChannel', channelId);
    else if (ctx.principal.kind !== 'admin') throw new NotFoundError('AlertChannel', channelId);
    await tx.alertChannel.delete({ where: { id: channelId } });
    return {
      result: channelId,
      audit: { entity: 'AlertChannel', entityId: channelId, teamId: channel.teamId, changes: { name: channel.name } },
      snapshot: false,
    };
  });
}

/** A team's channels (its members), or the platform's (teamId null: platform admin). */
export async function listAlertChannels(ctx: GraphQLContext, teamId: string | null) {
  if (teamId === null) requirePlatformAdmin(ctx.principal);
  else if (!canReadTeam(ctx.principal, teamId)) return [];
  return ctx.prisma.alertChannel.findMany({ where: { teamId }, orderBy: { createdAt: 'asc' } });
}
