import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { postgresUrl } from './services.ts';

async function asAdmin(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: postgresUrl() });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * A PostgreSQL database of the test's own on the test server (`t_<label>_<random>`), for process
 * tests whose control planes all migrate and share its `public` schema. `create` before, `drop`
 * after (forced: killed processes may leave connections behind).
 */
export function scratchDatabase(label: string) {
  const name = `t_${label}_${randomBytes(4).toString('hex')}`;
  return {
    url: postgresUrl().replace(/\/[^/?]*(\?.*)?$/, `/${name}`),
    create: () => asAdmin(`CREATE DATABASE "${name}"`),
    drop: () => asAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
