/**
 * The parts of undici the data plane holds from its start, each required from its own module.
 * `from 'undici'` loads its index, which requires every part (fetch, WebSocket, EventSource, the
 * cache, mock and proxy dispatchers, interceptors): 4.6 MB of heap kept for the process's life,
 * against 1.6 MB for the agent and what it uses (node 20, heap used after gc()). Each MB of live
 * heap lets the old generation grow by up to four under load before a full collection. The rare
 * callers of `request` and `fetch` (guardrail webhooks, vertex tokens) import the index when
 * first called; the modules here are the same instances the index re-exports.
 */
import { createRequire } from 'node:module';
import type * as undici from 'undici';

const require = createRequire(import.meta.url);

export const Agent: typeof undici.Agent = require('undici/lib/dispatcher/agent.js');
export type Agent = undici.Agent;
export const buildConnector: typeof undici.buildConnector = require('undici/lib/core/connect.js');
export type Connector = undici.buildConnector.connector;
export type ConnectorOptions = undici.buildConnector.BuildOptions;
export const errors: typeof undici.errors = require('undici/lib/core/errors.js');
export const util: typeof undici.util = require('undici/lib/core/util.js');
