import type { PrismaClient } from '../../../generated/prisma/client.ts';
import type { GraphQLContext } from '../../context.ts';
import { requirePlatformAdmin } from '../access.ts';
import { writeAudit } from '../audit/audit.ts';
import { DomainError } from '../errors.ts';
import type { Tx } from '../mutate.ts';
import { openCredential } from '../providers/providers.ts';
import { type Change, changeSubject, diffConfig, formatChanges } from './diff-config.ts';
import { executeChanges } from './execute-changes.ts';
import { ConfigFileError, parseConfig } from './parse-config.ts';
import { configToYaml, readConfig } from './read-config.ts';

export interface ApplyConfigInput {
  /** The file's text (YAML; JSON is YAML too). */
  yaml: string;
  /** Values of the `${NAME}` references in the file (the CLI sends only those). */
  env: Record<string, string | undefined>;
  /** Only compute the diff; change nothing. */
  dryRun?: boolean;
  /** Also delete objects (and deployments, budgets) the file does not have. */
  prune?: boolean;
  allowLiteralSecrets?: boolean;
}

export interface ApplyConfigResult {
  /** The diff, one line per created or deleted object and per changed field. */
  changes: string[];
  applied: boolean;
}

// A whole file is one transaction: a large one may take longer than Prisma's 5 s default.
const TRANSACTION = { timeout: 120_000, maxWait: 30_000 };

/** The whole configuration as a config file (platform admin). */
export async function exportConfig(ctx: GraphQLContext): Promise<string> {
  requirePlatformAdmin(ctx.principal);
  return configToYaml(await readConfig(ctx.prisma as unknown as Tx));
}

/**
 * Applies a config file through the same domain functions as GraphQL, every change and its audit
 * entry in ONE transaction: a file that fails anywhere (syntax, schema, a rule of the domain)
 * changes nothing. Idempotent: a second apply of the same file finds no change. One snapshot is
 * published after the commit.
 */
export async function applyConfig(ctx: GraphQLContext, input: ApplyConfigInput): Promise<ApplyConfigResult> {
  requirePlatformAdmin(ctx.principal);
  const parsed = parseConfig(input.yaml, { env: input.env, allowLiteralSecrets: input.allowLiteralSecrets });
  const result = await ctx.prisma.$transaction(async (tx) => {
    const current = await readConfig(tx);
    const stored = await tx.provider.findMany({
      where: { credentialCiphertext: { not: null } },
      select: { id: true, name: true, baseUrl: true, credentialCiphertext: true },
    });
    const changes = diffConfig({
      current,
      desired: parsed.config,
      storedSecrets: new Map(stored.map((p) => [p.name, openCredential(ctx.secretBox, p)])),
      fileSecrets: parsed.secrets,
      prune: input.prune ?? false,
    });
    const lines = formatChanges(changes);
    if (input.dryRun || changes.length === 0) return { changes: lines, applied: false };

    // Its mutations share one transaction and one publication: none compiles its own patch.
    const inTransaction: GraphQLContext = {
      ...ctx,
      prisma: boundTo(tx),
      snapshots: { ...ctx.snapshots, publish: async () => undefined as never, compileWithin: async () => null },
    };
    await executeChanges(inTransaction, tx, changes, parsed.secrets, async (change: Change, work) => {
      try {
        await work();
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const place = parsed.locate(change.path);
        throw new ConfigFileError([{ ...place, path: change.path.join('.'), message: `${changeSubject(change)}: ${error.message}` }]);
      }
    });
    await writeAudit(
      tx,
      ctx.principal,
      'applyConfig',
      [{ entity: 'Config', entityId: null, teamId: null, changes: { prune: input.prune ?? false, diff: lines } }],
      'take',
    );
    return { changes: lines, applied: true };
  }, TRANSACTION);
  if (result.applied) await ctx.snapshots.publish().catch(() => undefined);
  return result;
}

/**
 * The transaction as a client for domain functions: their own `$transaction` joins this one, so
 * every mutation of the file commits or rolls back together.
 */
function boundTo(tx: Tx): PrismaClient {
  return new Proxy(tx, {
    get(target, property, receiver) {
      if (property === '$transaction') return (work: (tx: Tx) => Promise<unknown>) => work(tx);
      return Reflect.get(target, property, receiver);
    },
  }) as unknown as PrismaClient;
}
