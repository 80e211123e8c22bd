import type { PrismaClient } from '../../generated/prisma/client.ts';
import { diffSnapshots, type SnapshotDelta } from '../../shared/snapshot/delta.ts';
import { changesOf, compileChanges, type VersionedAuditEntry } from './compile-changes.ts';
import { compileSnapshot, type SnapshotSource } from './compile-snapshot.ts';
import { CompiledConfig, type SnapshotPatch } from './compiled-config.ts';
import { readConfigVersion } from './config-version.ts';

/**
 * A committed mutation's config version and the audit entries it wrote with it (in the same
 * transaction), handed to `publish` so the next run need not read them back.
 */
export interface CommittedChange {
  version: number;
  entries: readonly VersionedAuditEntry[];
  /** What `compileWithin` compiled in the mutation's transaction, if it could. */
  patch?: PreparedPatch | null;
}

/**
 * The patch from version `change.version - 1` to the mutation's own version, compiled in the
 * mutation's transaction from the compile kept at the version before (`base`).
 */
export interface PreparedPatch {
  base: CompiledConfig;
  catalog: boolean;
  patch: SnapshotPatch;
  /** The instant the catalog's prices were read for (the next price change is looked up after it). */
  now: Date;
}

/** The delta to a version from the version before it, as published (without its envelope). */
export interface KeptDelta {
  from: number;
  to: number;
  changes: SnapshotDelta['changes'];
}

/**
 * The compile of the database at `current().version`, kept between the publisher's runs: a run
 * reads only the rows the versions since then changed (compile-changes.ts), or, when a mutation
 * compiled its own patch in its transaction (`compileWithin`), none at all.
 */
export function createKeptCompile(prisma: PrismaClient) {
  // Null until the first, whole, compile.
  let config: CompiledConfig | null = null;
  // Compile the whole configuration on the next run (at start, and when a price takes effect).
  let compileWhole = true;
  // The delta to `config.version` from the version before it, as published (without its envelope).
  let lastDelta: KeptDelta | null = null;
  // Audit entries of versions after `config.version` that mutations on this replica committed
  // (publish's argument): a run whose versions are all here reads no audit entry back. Versions
  // taken elsewhere (another replica, the publisher itself) are read from the database.
  const committed = new Map<number, CommittedChange>();
  // A publication was asked for without a change (start, a retry, a catch-up, applyConfig): the
  // next run reads the database's version, whatever mutations handed over.
  let catchUpAsked = false;

  /**
   * One consistent state and its config version: the repeatable-read transaction sees every
   * mutation up to the version it reads and none after (each mutation takes its version in its own
   * transaction, under the version row's lock), so equal versions always compile equal content,
   * on any replica. From a kept compile at an earlier version, only the rows that the versions
   * since changed are read (their audit entries name them); otherwise the whole configuration.
   */
  async function compileAtVersion(now: Date, whole: boolean) {
    return prisma.$transaction(
      async (tx) => {
        const version = await readConfigVersion(tx);
        if (!whole && config && config.version <= version) {
          if (config.version === version) return { version, kind: 'same' as const };
          const entries =
            handedOver(config.version, version) ??
            (await tx.auditLogEntry.findMany({
              where: { configVersion: { gt: config.version, lte: version } },
              select: { entity: true, entityId: true, teamId: true, configVersion: true },
            }));
          const changes = changesOf(entries, config.version, version);
          if (changes) return { version, kind: 'patch' as const, catalog: changes.catalog, patch: await compileChanges(tx, config, changes, now) };
        }
        return { version, kind: 'whole' as const, content: await compileSnapshot(tx, now) };
      },
      { isolationLevel: 'RepeatableRead', maxWait: 15_000, timeout: 30_000 },
    );
  }

  /**
   * The next version as its mutation compiled it (compileWithin), when that is all this run must
   * publish: no version after it was handed over, no catch-up was asked for, and the kept compile
   * is still the one the patch was made from. The run then needs no transaction of its own.
   */
  function preparedNext() {
    if (!config) return null;
    const version = config.version + 1;
    const prepared = committed.get(version)?.patch;
    if (!prepared || prepared.base !== config) return null;
    for (const later of committed.keys()) if (later > version) return null;
    return { version, kind: 'patch' as const, catalog: prepared.catalog, patch: prepared.patch, now: prepared.now };
  }

  /** The handed-over audit entries of versions `from + 1` to `to`, or null unless every one was handed over. */
  function handedOver(from: number, to: number): VersionedAuditEntry[] | null {
    const entries: VersionedAuditEntry[] = [];
    for (let version = from + 1; version <= to; version++) {
      const some = committed.get(version);
      if (!some) return null;
      entries.push(...some.entries);
    }
    return entries;
  }

  /**
   * Takes what was asked for since the last run: whether to compile the whole configuration, and
   * the patch a mutation prepared when that is all there is to publish (`mayUsePrepared`: only a
   * run's first round).
   */
  function plan(mayUsePrepared: boolean) {
    const whole = compileWhole;
    compileWhole = false;
    const catchUp = catchUpAsked;
    catchUpAsked = false;
    return { whole, prepared: mayUsePrepared && !whole && !catchUp ? preparedNext() : null };
  }

  /**
   * Brings `config` to what was compiled, and sets `lastDelta` to the delta from the version it
   * held before: from the patch itself, or, after a whole compile, by comparing entry hashes.
   */
  function advance(compiled: Awaited<ReturnType<typeof compileAtVersion>>): { current: CompiledConfig; whole: boolean } {
    const previous = config;
    if (compiled.kind === 'same' && previous) return { current: previous, whole: false };
    let current: CompiledConfig;
    let changes: SnapshotDelta['changes'] | null = null;
    const from = previous?.version ?? 0;
    if (compiled.kind === 'patch' && previous) {
      changes = previous.apply(compiled.version, compiled.patch);
      current = previous;
    } else {
      if (compiled.kind !== 'whole') throw new Error('a patch needs a kept compile');
      current = CompiledConfig.of(compiled.version, compiled.content);
      if (previous && previous.version < current.version) {
        const envelope = (c: CompiledConfig) => ({ version: c.version, hash: '', createdAt: '' });
        changes = diffSnapshots(previous.toSnapshot(envelope(previous)), current.toSnapshot(envelope(current)), {
          prev: previous.digest,
          next: current.digest,
        }).changes;
      }
    }
    config = current;
    for (const version of committed.keys()) if (version <= current.version) committed.delete(version);
    lastDelta = changes ? { from, to: current.version, changes } : null;
    return { current, whole: compiled.kind === 'whole' };
  }

  /**
   * Called by a mutation in its transaction, once it took its config version (the version row
   * stays locked until it commits) and wrote its audit entries. When the kept compile is at the
   * version just before and nothing else is pending, the rows the mutation changed are read here:
   * this transaction sees every earlier version committed and no later one, so the patch is the
   * one a run would compile, and the run that publishes it needs no transaction of its own
   * (begin, isolation level, version read, commit: 4 of a lone mutation's 13 statements). A
   * burst's later mutations find the kept compile behind and leave the work to the run.
   */
  async function compileWithin(tx: SnapshotSource, version: number, entries: readonly VersionedAuditEntry[]): Promise<PreparedPatch | null> {
    const base = config;
    if (!base || compileWhole || catchUpAsked || base.version !== version - 1 || committed.size > 0) return null;
    const changes = changesOf(entries, base.version, version);
    if (!changes) return null;
    const now = new Date();
    try {
      return { base, catalog: changes.catalog, patch: await compileChanges(tx, base, changes, now), now };
    } catch {
      // Left to the run, as before: a configuration that does not compile fails (and retries) the
      // publication, never the committed mutation. (A failed statement has aborted the transaction
      // anyway: the database is failing.)
      return null;
    }
  }

  return {
    compileAtVersion,
    plan,
    advance,
    compileWithin,
    /** The kept compile; null before the first. */
    current: (): CompiledConfig | null => config,
    /** The delta that led to the kept compile's version, if it was published with one. */
    lastDelta: (): KeptDelta | null => lastDelta,
    /** A committed mutation on this replica asks for a publication (its audit entries need not be read back). */
    handOver(change: CommittedChange) {
      if (config === null || change.version > config.version) committed.set(change.version, change);
    },
    /** A publication asked for without a change: the next run reads the database's version. */
    askCatchUp() {
      catchUpAsked = true;
    },
    /** The next run compiles the whole configuration (a price taking effect; a replica's content not ours). */
    askWhole() {
      compileWhole = true;
    },
  };
}

export type KeptCompile = ReturnType<typeof createKeptCompile>;
