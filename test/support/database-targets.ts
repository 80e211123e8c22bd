import { describe } from 'vitest';
import type { HarnessOptions } from './control-plane-harness.ts';
import { isReachable, postgresUrl, requireOrSkip } from './services.ts';

export interface DatabaseTarget {
  name: 'PGlite' | 'PostgreSQL';
  options: HarnessOptions;
}

const postgresAvailable = await requireOrSkip('PostgreSQL', isReachable(postgresUrl()));

/**
 * Declares `suite` once per database: in-memory PGlite always, PostgreSQL (a fresh schema) when
 * reachable; skipped loudly otherwise, and a failure under REQUIRE_SERVICES=1 (CI).
 */
export function forEachDatabase(suite: (target: DatabaseTarget) => void): void {
  const targets: (DatabaseTarget & { skip: boolean })[] = [
    { name: 'PGlite', options: {}, skip: false },
    { name: 'PostgreSQL', options: { postgresUrl: postgresUrl() }, skip: !postgresAvailable },
  ];
  for (const target of targets) describe.skipIf(target.skip)(target.name, () => suite(target));
}
