import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.ts';
import './scalars.ts';
import './errors.ts';
import './common.ts';
import './viewer.ts';
import './team.ts';
import './member.ts';
import './plan.ts';
import './credits.ts';
import './provider.ts';
import './deployment.ts';
import './model.ts';
import './fallback-chain.ts';
import './routing-profile.ts';
import './budget.ts';
import './budget-alert.ts';
import './api-key.ts';
import './audit.ts';
import './usage.ts';
import './usage-rollup.ts';
import './snapshot.ts';
import './config.ts';
import './catalogue.ts';
import './alert-channel.ts';
import './fleet.ts';

/** The whole GraphQL schema, built once per process. */
export const schema = lexicographicSortSchema(builder.toSchema());
