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
  /** The port of the master serving `slot`. */
  portOfSlot(slot: number): Promise<number>;
  /**
   * Kills one node (SIGKILL) and starts it again on its port with its nodes.conf but no data: a
   * master that restarted empty keeps its slots, and lost their keys. Resolves once the cluster is ok.
   */
  restartEmpty(port: number): Promise<void>;
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
  const args: string[][] = [];
  const stop = async () => {
    await Promise.all(children.map(stopRedisServer));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const [port, busPort] = [await freePort(), await freePort()];
      ports.push(port);
      // Every node keeps its nodes.conf, named after its port, in the temporary directory.
      args.push(['--cluster-enabled', 'yes', '--cluster-port', String(busPort), '--cluster-config-file', `nodes-${port}.conf`, '--dir', dir]);
      children.push(await startRedisServer(port, args[i]));
    }
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    await clusterOk(ports);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
    ports,
    async portOfSlot(slot) {
      const node = new Redis({ host: '127.0.0.1', port: ports[0] });
      try {
        const range = (await node.cluster('SLOTS')).find(([from, to]) => slot >= from && slot <= to);
        if (!range?.[2]) throw new Error(`no node serves slot ${slot}`);
        return range[2][1];
      } finally {
        node.disconnect();
      }
    },
    async restartEmpty(port) {
      const i = ports.indexOf(port);
      await stopRedisServer(children[i]);
      children[i] = await startRedisServer(port, args[i]);
      await clusterOk(ports);
    },
    stop,
  };
}

async function clusterOk(ports: readonly number[]): Promise<void> {
  for (const port of ports) {
    const node = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
    try {
      await node.connect();
      await waitUntil(async () => /cluster_state:ok/.test(await node.cluster('INFO')), 20_000, `cluster_state:ok on ${port}`);
    } finally {
      node.disconnect();
    }
  }
}
