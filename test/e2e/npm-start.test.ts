import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-start-'));

interface Started {
  child: ChildProcess;
  output: string;
  graphqlUrl: string;
  apiUrl: string;
}

/**
 * Runs `npm start` itself (it builds, then runs the built JavaScript, not tsx) with empty env for
 * the services: the embedded defaults.
 */
async function start(): Promise<Started> {
  const env: NodeJS.ProcessEnv = { ...process.env, TOLLGATE_DATA_DIR: dataDir, CONTROL_PLANE_PORT: '0', DATA_PLANE_PORT: '0', LOG_LEVEL: 'warn' };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'TOLLGATE_SECRET_KEY', 'TOLLGATE_ADMIN_KEY']) delete env[name];
  const child = spawn('npm', ['start', '--silent'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  // The first start of a checkout compiles it (tsc into dist/, incremental afterwards).
  const deadline = Date.now() + 150_000;
  while (!/OpenAI-compatible API:\s+(\S+)/.test(output)) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not become ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child,
    output,
    graphqlUrl: /GraphQL \(control plane\):\s+(\S+)/.exec(output)![1],
    apiUrl: /OpenAI-compatible API:\s+(\S+)/.exec(output)![1],
  };
}

/** The command lines of a process and its descendants (Linux /proc). */
function processTree(pid: number): string[] {
  const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  return [command, ...children.flatMap(processTree)];
}

async function stop(started: Started): Promise<number | null> {
  started.child.kill('SIGTERM');
  await new Promise((resolve) => started.child.once('exit', resolve));
  return started.child.exitCode;
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm start on the embedded defaults', () => {
  it('creates and prints the admin key, the demo key and a working curl; a second start keeps the data', async () => {
    const first = await start();
    const adminKey = /Admin key \(shown once, keep it\): (\S+)/.exec(first.output)?.[1];
    const demoKey = /Demo team API key \(shown once\): (\S+)/.exec(first.output)?.[1];
    expect(adminKey).toMatch(/^tga_/);
    expect(demoKey).toMatch(/^tg_/);
    expect(first.output).toContain(`curl ${first.apiUrl}/chat/completions -H "Authorization: Bearer ${demoKey}"`);
    // Built JavaScript, not tsx, in production.
    expect(existsSync(path.join(root, 'dist/main.js'))).toBe(true);
    const commands = processTree(first.child.pid!);
    expect(commands.some((command) => command.includes('dist/main.js'))).toBe(true);
    expect(commands.filter((command) => command.includes('tsx'))).toEqual([]);

    const answer = await new OpenAI({ baseURL: first.apiUrl, apiKey: demoKey, maxRetries: 0 }).chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(answer.choices[0].message.content).toBeTruthy();
    // The control plane runs in a worker thread: the usage crosses the in-process bus to it and is stored.
    const usage = async () => {
      const response = await fetch(first.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
        body: JSON.stringify({ query: '{ teams { edges { node { slug credits { spent } } } } }' }),
      });
      const body = await response.json();
      return body.data.teams.edges.find((e: any) => e.node.slug === 'demo')?.node.credits.spent;
    };
    await expect.poll(usage, { timeout: 10_000 }).not.toBe('0');
    const team = await fetch(first.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ query: 'mutation { createTeam(input: { name: "Kept", slug: "kept" }) { __typename } }' }),
    });
    expect((await team.json()).data.createTeam.__typename).toBe('MutationCreateTeamSuccess');
    expect(await stop(first)).toBe(0);

    const second = await start();
    expect(second.output).not.toContain('shown once');
    const again = await new OpenAI({ baseURL: second.apiUrl, apiKey: demoKey, maxRetries: 0 }).chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(again.choices[0].message.content).toBe(answer.choices[0].message.content);
    const teams = await fetch(second.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ query: '{ teams { edges { node { slug } } } }' }),
    });
    expect((await teams.json()).data.teams.edges.map((e: any) => e.node.slug)).toEqual(['demo', 'kept']);
    expect(await stop(second)).toBe(0);
  }, 300_000);
});
