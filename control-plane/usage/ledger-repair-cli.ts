/**
 * `npm run ledger:repair [-- --check]`: recomputes the usage counters (UsageDaily, UsageSpend, UsageTagDaily)
 * from the raw usage events, prints every difference and, unless --check, writes the recompute
 * back. Exit code 0 when the counters were right (or were repaired), 1 when --check found
 * differences. A tool entry point, so it reads its own environment: DATABASE_URL, else the PGlite
 * data directory of TOLLGATE_DATA_DIR (default .tollgate; stop `npm start` first: PGlite allows
 * one process per data directory).
 */
import path from 'node:path';
import { openDatabase } from '../db/open-database.ts';
import { repairLedger } from './ledger-repair.ts';

const check = process.argv.includes('--check');
const databaseUrl = process.env.DATABASE_URL || undefined;
const db = await openDatabase({ databaseUrl, dataDir: path.join(process.env.TOLLGATE_DATA_DIR || '.tollgate', 'db') });
try {
  const report = await repairLedger(db.prisma, { fix: !check });
  const from = report.rawEventsFrom.getTime() === 0 ? 'all raw events' : `raw events since ${report.rawEventsFrom.toISOString()} (older ones expired)`;
  console.log(`usage counters recomputed from ${from}: ${report.differences.length} row(s) differ`);
  for (const d of report.differences.slice(0, 50)) {
    console.log(`  ${d.table} ${JSON.stringify(d.key)}\n    stored:   ${JSON.stringify(d.stored)}\n    expected: ${JSON.stringify(d.expected)}`);
  }
  if (report.differences.length > 50) console.log(`  ... and ${report.differences.length - 50} more`);
  if (report.repaired) console.log('repaired: the counters now equal the recompute');
  process.exitCode = check && report.differences.length > 0 ? 1 : 0;
} finally {
  await db.close();
}
