import { z } from 'zod';
import { redisUrlIssue } from './redis-client.ts';

/** REDIS_URL as both planes' env.ts read it: one server (`redis://`, `rediss://`) or a cluster (`redis+cluster://host:port,...`). */
export const redisUrlSetting = z
  .string()
  .superRefine((url, ctx) => {
    const issue = redisUrlIssue(url);
    if (issue) ctx.addIssue({ code: 'custom', message: issue });
  })
  .optional();
