import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { waitUntil } from './processes.ts';
import { freePort, startRedisServer, stopRedisServer } from './redis-server.ts';

const run = promisify(execFile);

export interface RedisClusterProcesses {
  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3`, the form REDIS_URL takes. */
  url: string;
  ports: number[];
  stop(): Promise<void>;
}

/**
 * Starts a Redis Cluster of `masters` masters and no replicas on ports of its own (client and
 * cluster-bus ports both picked free), in a temporary directory, without persistence, and waits
 * until every node reports cluster_state:ok. `stop` kills the nodes and removes the directory.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterProcesses> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-redis-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopRedisServer));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const [port, busPort] = [await freePort(), await freePort()];
      ports.push(port);
      // Every node keeps its nodes.conf, named after its port, in the temporary directory.
      const clusterArgs = ['--cluster-enabled', 'yes', '--cluster-port', String(busPort), '--cluster-config-file', `nodes-${port}.conf`, '--dir', dir];
      children.push(await startRedisServer(port, clusterArgs));
    }
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) {
      const node = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
      try {
        await node.connect();
        await waitUntil(async () => /cluster_state:ok/.test(await node.cluster('INFO')), 20_000, `cluster_state:ok on ${port}`);
      } finally {
        node.disconnect();
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`, ports, stop };
}
