import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isReachable, postgresUrl, redisUrl, requireOrSkip } from '../../test/support/services.ts';
import { waitUntil } from '../../test/support/processes.ts';
import { type ConsoleBrowser, launchConsoleBrowser, signIn } from './support/browser.ts';
import { type Stack, startStack, STACK_ADMIN_KEY } from './support/stack.ts';

const built = existsSync(path.resolve(import.meta.dirname, '../dist/index.html'));
if (!built) throw new Error('console/dist is missing: run `npm run build:console` (npm ci runs it) before the browser tests');
const servicesUp = await requireOrSkip('PostgreSQL and Redis', Promise.all([isReachable(postgresUrl()), isReachable(redisUrl())]).then((up) => up.every(Boolean)));

const targets = [
  { name: 'npm start on PGlite', options: {}, skip: false },
  { name: 'npm start on PostgreSQL + Redis', options: { postgresUrl: postgresUrl(), redisUrl: redisUrl() }, skip: !servicesUp },
];

for (const target of targets) {
  describe.skipIf(target.skip)(`console in Chromium: ${target.name}`, () => {
    let stack: Stack;
    let browser: ConsoleBrowser;
    let admin: { context: BrowserContext; page: Page };
    let keySecret = '';

    beforeAll(async () => {
      stack = await startStack(target.options);
      browser = await launchConsoleBrowser(stack.consoleUrl);
      admin = await browser.signedIn(STACK_ADMIN_KEY);
    }, 200_000);

    afterEach(async (context) => {
      if (context.task.result?.state === 'fail') {
        // Where the run failed, for a person reading CI output.
        for (const [index, page] of (browser?.browser.contexts() ?? []).flatMap((c) => c.pages()).entries()) {
          await page.screenshot({ path: path.join(os.tmpdir(), `console-failure-${context.task.name.slice(0, 2)}${index}.png`) }).catch(() => undefined);
        }
      }
      expect(browser.graphqlErrors, 'GraphQL errors seen by the console').toEqual([]);
    });

    afterAll(async () => {
      await browser?.close();
      await stack?.stop();
    }, 30_000);

    it('1. the admin creates a team, a mock provider, a model and a key, and copies the key', async () => {
      const { page } = admin;
      await page.getByRole('link', { name: 'Teams & members' }).click();
      await page.getByLabel('Team name').fill('Acme');
      await page.getByLabel('Slug').fill('acme');
      await page.getByRole('button', { name: 'Create team' }).click();
      await page.getByRole('table', { name: 'Teams' }).getByRole('link', { name: 'Acme' }).waitFor();

      await page.getByRole('link', { name: 'Providers & models' }).click();
      await page.getByLabel('Provider name').fill('mock-a');
      await page.getByLabel('Kind').selectOption('MOCK');
      await page.getByRole('button', { name: 'Create provider' }).click();
      await page.getByRole('table', { name: 'Providers' }).getByRole('cell', { name: 'mock-a', exact: true }).waitFor();
      await page.getByLabel('Model name').fill('acme-chat');
      await page.getByLabel('Provider', { exact: true }).selectOption({ label: 'mock-a' });
      await page.getByLabel('Upstream model').fill('mock-1');
      await page.getByLabel('Input price (USD per million tokens)').fill('1');
      await page.getByLabel('Output price (USD per million tokens)').fill('2');
      await page.getByRole('button', { name: 'Create model' }).click();
      await page.getByRole('table', { name: 'Models' }).getByRole('cell', { name: 'acme-chat', exact: true }).waitFor();

      await page.getByRole('link', { name: 'API keys' }).click();
      await page.getByLabel('Team', { exact: true }).selectOption({ label: 'Acme' });
      await page.getByText('No keys yet.').waitFor();
      await page.getByLabel('Name', { exact: true }).fill('acme-app');
      await page.getByRole('button', { name: 'Create key' }).click();
      const secret = page.getByTestId('secret');
      await secret.waitFor();
      keySecret = (await secret.textContent()) ?? '';
      expect(keySecret).toMatch(/^tg_/);
      await page.getByRole('button', { name: 'Copy' }).click();
      await page.getByRole('button', { name: 'Copied' }).waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(keySecret);
      await expect(page.getByTestId('key-acme-app').textContent()).resolves.toContain('active');

      // The key works against the data plane with the official SDK.
      const sdk = new OpenAI({ baseURL: stack.dataUrl, apiKey: keySecret, maxRetries: 0 });
      const answer = await waitUntil(() => sdk.chat.completions.create({ model: 'acme-chat', messages: [{ role: 'user', content: 'ping' }] }), 5_000, 'the new key to reach the data plane');
      expect(answer.choices[0].message.content).toBeTruthy();
    });

    it('2. a playground chat streams in and shows up in the overview live feed within 2 s', async () => {
      const { page } = admin;
      const overview = await admin.context.newPage();
      const teamId = new URL(page.url()).searchParams.get('team')!;
      await signIn(overview, STACK_ADMIN_KEY, `/?team=${teamId}`);
      await overview.getByText('Waiting for requests').waitFor();
      await overview.getByTestId('live-status').getByText('Live').waitFor();

      await page.getByRole('link', { name: 'Playground' }).click();
      await page.getByLabel('Model').selectOption('acme-chat');
      await page.getByLabel('System prompt').fill('You are terse.');
      await page.getByLabel('Temperature').fill('0.2');
      await page.getByLabel('Message').fill('Hello from the playground');
      await page.getByRole('button', { name: 'Send' }).click();
      const answer = page.getByTestId('answer').last();
      await expect.poll(async () => (await answer.textContent())?.length ?? 0, { timeout: 10_000 }).toBeGreaterThan(2);
      await page.getByTestId('answer-meta').getByText('x-tollgate-model').waitFor();
      await expect(page.getByTestId('answer-meta').textContent()).resolves.toContain('acme-chat');
      const answeredAt = Date.now();
      await overview.getByTestId('live-feed').getByRole('cell', { name: 'acme-chat', exact: true }).first().waitFor({ timeout: 2_000 });
      expect(Date.now() - answeredAt).toBeLessThan(2_000);
      await expect.poll(() => page.getByTestId('answer-cost').textContent(), { timeout: 5_000 }).toMatch(/^\$/);
      await overview.close();
    });

    it('6. revoking a key in the UI makes the data plane refuse it within 2 s', async () => {
      const { page } = admin;
      await page.getByRole('link', { name: 'API keys' }).click();
      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: 'Revoke acme-app' }).click();
      const revokedAt = Date.now();
      await page.getByTestId('key-acme-app').getByText('revoked').waitFor();
      const sdk = new OpenAI({ baseURL: stack.dataUrl, apiKey: keySecret, maxRetries: 0 });
      await waitUntil(
        async () => {
          try {
            await sdk.chat.completions.create({ model: 'acme-chat', messages: [{ role: 'user', content: 'still there?' }] });
            return false;
          } catch (error) {
            return (error as { status?: number }).status === 401;
          }
        },
        2_000,
        'the data plane to refuse the revoked key',
      );
      expect(Date.now() - revokedAt).toBeLessThan(2_000);
    });
  });
}
