import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { StoredSnapshot } from '../../shared/bus/bus.ts';

/**
 * The last good snapshot on disk (`<dir>/snapshot.json`), so a data plane restarted while Redis
 * and the control plane are down boots from it and serves. Holds exactly what the bus held: the
 * control plane's signature on the first line, then the JSON as published (provider credentials
 * stay sealed; the file is still written 0600). The store verifies it like a snapshot from the
 * bus; a file without the signature line (written before 0.2) is refused.
 */
export interface SnapshotFile {
  readonly path: string;
  /** The stored snapshot, or null when there is none. Unreadable content is the caller's to refuse. */
  read(): Promise<StoredSnapshot | null>;
  /** Replaces the file atomically: a crash mid-write leaves the previous snapshot intact. */
  write(snapshot: StoredSnapshot): Promise<void>;
}

export function createSnapshotFile(dir: string): SnapshotFile {
  const file = path.join(dir, 'snapshot.json');
  return {
    path: file,
    async read() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      const newline = text.indexOf('\n');
      const signed = !text.startsWith('{') && newline > 0;
      const signature = signed ? text.slice(0, newline) : null;
      const json = signed ? text.slice(newline + 1) : text;
      // The version is read leniently here: parseSnapshot, in the store, decides whether to trust it.
      let version = 0;
      try {
        const parsed = JSON.parse(json) as { version?: unknown };
        if (typeof parsed.version === 'number') version = parsed.version;
      } catch {
        // Left to the store to refuse, with the parse error as its reason.
      }
      return { version, json, signature };
    },
    async write(snapshot) {
      await mkdir(dir, { recursive: true });
      const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      const handle = await open(temporary, 'w', 0o600);
      try {
        await handle.writeFile(`${snapshot.signature ?? ''}\n${snapshot.json}`, 'utf8');
        // Durable before the rename makes it visible: rename alone can leave an empty file after a power loss.
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
  };
}
