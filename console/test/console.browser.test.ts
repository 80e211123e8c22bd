import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../test/support/processes.ts';
import { isReachable, postgresUrl, redisUrl, requireOrSkip } from '../../test/support/services.ts';
import { type ConsoleBrowser, launchConsoleBrowser, signIn } from './support/browser.ts';
import { STACK_ADMIN_KEY, type Stack, startStack } from './support/stack.ts';

const built = existsSync(path.resolve(import.meta.dirname, '../dist/index.html'));
if (!built) throw new Error('console/dist is missing: run `npm run build:console` (npm ci runs it) before the browser tests');
const servicesUp = await requireOrSkip(
  'PostgreSQL and Redis',
  Promise.all([isReachable(postgresUrl()), isReachable(redisUrl())]).then((up) => up.every(Boolean)),
);

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
    let acmeTeamId = '';

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
      expect(browser.graphqlErrors.splice(0), 'GraphQL errors seen by the console').toEqual([]);
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
      acmeTeamId = new URL(page.url()).searchParams.get('team')!;
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
      const answer = await waitUntil(
        () => sdk.chat.completions.create({ model: 'acme-chat', messages: [{ role: 'user', content: 'ping' }] }),
        5_000,
        'the new key to reach the data plane',
      );
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

    it('3. a hard budget set in the UI burns down as the SDK spends', async () => {
      const { page } = admin;
      await page.getByRole('link', { name: 'Budgets & credits' }).click();
      // As a user would: the page has shown the team's budgets (none yet) before the form is used.
      // On a loaded CI machine the new budget did not show within 10 s in two runs; the suspected
      // cause is a submit while the page's first read was still in flight (its answer, from before
      // the change, then stood as the latest). Not confirmed; the page itself is unchanged.
      await page.getByText('No budgets for this team.').or(page.getByTestId('budget-TEAM')).first().waitFor();
      await page.getByLabel('Amount (USD)', { exact: true }).fill('1');
      await page.getByRole('button', { name: 'Set budget' }).click();
      const remaining = page.getByTestId('budget-TEAM').getByTestId('budget-remaining');
      await expect.poll(() => remaining.textContent(), { timeout: 5_000 }).toMatch(/^\$0\.99/);
      const before = await remaining.textContent();
      const sdk = new OpenAI({ baseURL: stack.dataUrl, apiKey: keySecret, maxRetries: 0 });
      for (let i = 0; i < 3; i += 1) await sdk.chat.completions.create({ model: 'acme-chat', messages: [{ role: 'user', content: `spend ${i} `.repeat(20) }] });
      // The budgetStatus subscription pushes after each stored usage batch: no reload.
      await expect.poll(() => remaining.textContent(), { timeout: 5_000 }).not.toBe(before);
      const after = Number((await remaining.textContent())!.replace(/[$,]/g, ''));
      expect(after).toBeLessThan(Number(before!.replace(/[$,]/g, '')));
      expect(await page.getByTestId('budget-TEAM').textContent()).toContain('hard');
    });

    it('4. a member of team A sees nothing of team B; a team B URL says not found', async () => {
      const teams = await stack.gql<{ teams: { edges: { node: { id: string; name: string } }[] } }>('{ teams(first: 20) { edges { node { id name } } } }');
      const acmeId = teams.teams.edges.find((edge) => edge.node.name === 'Acme')!.node.id;
      const beta = await stack.gql<any>('mutation { createTeam(input: { name: "Beta", slug: "beta" }) { ... on MutationCreateTeamSuccess { data { id } } } }');
      const betaId = beta.createTeam.data.id as string;
      await stack.gql(`mutation { createApiKey(input: { teamId: "${betaId}", name: "beta-secret-key" }) { __typename } }`);
      const member = await stack.gql<any>(
        `mutation { createMember(input: { teamId: "${acmeId}", email: "ann@acme.test", role: MEMBER }) { ... on MutationCreateMemberSuccess { data { token } } } }`,
      );
      const { context, page } = await browser.signedIn(member.createMember.data.token);
      await expect(page.getByTestId('who').textContent()).resolves.toContain('Acme');
      for (const path of ['/', '/keys', '/budgets', '/usage', '/teams', '/catalog', '/plans', '/playground']) {
        await page.goto(path);
        await signInIfAsked(page, member.createMember.data.token);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        await page.waitForLoadState('networkidle');
        const text = (await page.locator('main').textContent()) ?? '';
        expect(text, path).not.toContain('Beta');
        expect(text, path).not.toContain('beta-secret-key');
        expect(await page.getByLabel('Team', { exact: true }).count(), `${path}: no team picker for a member`).toBe(0);
      }
      for (const path of [`/keys?team=${betaId}`, `/budgets?team=${betaId}`, `/usage?team=${betaId}`, `/?team=${betaId}`, `/teams?team=${betaId}`]) {
        await page.goto(path);
        await signInIfAsked(page, member.createMember.data.token);
        await page.getByRole('heading', { name: 'Team not found' }).waitFor();
      }
      await context.close();
    });

    it('5. a viewer sees no create, rotate or revoke controls, and the API refuses them anyway', async () => {
      const teams = await stack.gql<{ teams: { edges: { node: { id: string; name: string } }[] } }>('{ teams(first: 20) { edges { node { id name } } } }');
      const acmeId = teams.teams.edges.find((edge) => edge.node.name === 'Acme')!.node.id;
      const viewer = await stack.gql<any>(
        `mutation { createMember(input: { teamId: "${acmeId}", email: "vic@acme.test", role: VIEWER }) { ... on MutationCreateMemberSuccess { data { token } } } }`,
      );
      const token = viewer.createMember.data.token as string;
      const { context, page } = await browser.signedIn(token);
      await page.getByRole('link', { name: 'API keys' }).click();
      await page.getByTestId('key-acme-app').waitFor();
      expect(await page.getByRole('button', { name: /Create key|Edit|Rotate|Revoke|Block/ }).count()).toBe(0);
      await page.getByRole('link', { name: 'Teams & members' }).click();
      await page.getByRole('heading', { name: /Members of Acme/ }).waitFor();
      expect(await page.getByRole('button', { name: /Invite|Remove|Create team/ }).count()).toBe(0);
      await page.getByRole('link', { name: 'Budgets & credits' }).click();
      await page.getByRole('heading', { name: 'Budgets', exact: true }).waitFor();
      expect(await page.getByRole('button', { name: /Set budget|Grant credits/ }).count()).toBe(0);
      const attempt = await stack.gql<any>(
        `mutation { createApiKey(input: { teamId: "${acmeId}", name: "nope" }) { __typename ... on Error { message } } }`,
        undefined,
        token,
      );
      expect(attempt.createApiKey.__typename).toBe('ForbiddenError');
      await context.close();
    });

    it('screenshots every page (saved under docs/screenshots by the embedded run)', async () => {
      const { page } = admin;
      const teamId = acmeTeamId;
      const directory = path.resolve(import.meta.dirname, '../../docs/screenshots');
      mkdirSync(directory, { recursive: true });
      const shoot = (name: string) =>
        target.skip || target.options.postgresUrl
          ? Promise.resolve()
          : page.screenshot({ path: path.join(directory, `${name}.png`), fullPage: true }).then(() => undefined);
      await page.getByRole('link', { name: 'Playground' }).click();
      await page.getByLabel('Model').selectOption('acme-chat');
      await page.getByLabel('System prompt').fill('You are a helpful assistant.');
      await page.getByLabel('Message').fill('What does Tollgate do?');
      await page.getByRole('button', { name: 'Send' }).click();
      await expect.poll(() => page.getByTestId('answer-cost').last().textContent(), { timeout: 5_000 }).toMatch(/^\$/);
      await shoot('playground');
      for (const [link, name, route] of [
        ['Overview', 'overview', '/'],
        ['Teams & members', 'teams', '/teams'],
        ['API keys', 'keys', '/keys'],
        ['Providers & models', 'catalog', '/catalog'],
        ['Plans', 'plans', '/plans'],
        ['Budgets & credits', 'budgets', '/budgets'],
        ['Guardrails & cache', 'guardrails', '/guardrails'],
        ['Usage analytics', 'usage', '/usage'],
        ['Audit log', 'audit', '/audit'],
        ['Fleet', 'fleet', '/fleet'],
      ] as const) {
        // Team pages show the team the flows above worked in.
        await page.goto(`${route}?team=${teamId}`);
        await page.getByRole('heading', { level: 1, name: new RegExp(link.split(' ')[0]) }).waitFor();
        await page.waitForLoadState('networkidle');
        await page.waitForTimeout(300);
        await shoot(name);
      }
      const graphiql = await admin.context.newPage();
      await graphiql.goto('/graphql');
      await graphiql.locator('.graphiql-container').first().waitFor({ timeout: 15_000 });
      await graphiql.waitForTimeout(500);
      if (!target.options.postgresUrl) await graphiql.screenshot({ path: path.join(directory, 'graphiql.png') });
      await graphiql.close();
      const narrow = await browser.signedIn(STACK_ADMIN_KEY, { width: 390, height: 844 });
      await narrow.page.goto(`/${teamId ? `?team=${teamId}` : ''}`);
      await narrow.page.getByRole('heading', { name: 'Overview' }).waitFor();
      await narrow.page.getByRole('button', { name: 'Menu' }).click();
      await narrow.page.getByRole('link', { name: 'API keys' }).waitFor();
      if (!target.options.postgresUrl) await narrow.page.screenshot({ path: path.join(directory, 'overview-narrow.png') });
      await narrow.context.close();
    });

    it("8. a key's rpm, a provider's base URL, a deployment, a chain, a profile and a plan edited in the UI take effect through the API", async () => {
      const { page } = admin;
      await page.goto(`/keys?team=${acmeTeamId}`);
      await signInIfAsked(page, STACK_ADMIN_KEY);
      await page.getByRole('button', { name: 'Edit acme-app' }).click();
      const keyForm = page.getByRole('form', { name: 'Edit acme-app' });
      const rpm = keyForm.getByLabel('Requests per minute');
      await expect.poll(() => rpm.evaluate((field) => field.closest('form')?.contains(document.activeElement))).toBe(true);
      await rpm.fill('-1');
      await keyForm.getByRole('button', { name: 'Save' }).click();
      // The typed ValidationError lands next to the field.
      await keyForm.getByRole('alert').filter({ hasText: 'positive integer' }).waitFor();
      await rpm.fill('2');
      await rpm.press('Enter');
      await page.getByTestId('key-acme-app').getByText('2 rpm').waitFor();
      const keys = await stack.gql<any>(`{ apiKeys(teamId: "${acmeTeamId}", first: 5) { edges { node { name limits { rpm } } } } }`);
      expect(keys.apiKeys.edges.find((edge: any) => edge.node.name === 'acme-app').node.limits.rpm).toBe(2);
      const sdk = new OpenAI({ baseURL: stack.dataUrl, apiKey: keySecret, maxRetries: 0 });
      await waitUntil(
        async () => {
          try {
            await sdk.chat.completions.create({ model: 'acme-chat', messages: [{ role: 'user', content: 'rpm?' }] });
            return false;
          } catch (error) {
            return (error as { code?: string }).code === 'rate_limit_exceeded';
          }
        },
        5_000,
        'the data plane to apply the new rpm of the key',
      );

      await page.getByRole('link', { name: 'Providers & models' }).click();
      await page.getByRole('button', { name: 'Edit provider mock-a' }).click();
      const providerForm = page.getByRole('form', { name: 'Edit provider mock-a' });
      await providerForm.getByLabel('Base URL').fill('mock://?latency_ms=1');
      await providerForm.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('table', { name: 'Providers' }).getByRole('cell', { name: 'mock://?latency_ms=1' }).waitFor();
      const providers = await stack.gql<any>('{ providers(first: 10) { edges { node { name baseUrl } } } }');
      expect(providers.providers.edges.find((edge: any) => edge.node.name === 'mock-a').node.baseUrl).toBe('mock://?latency_ms=1');

      // "Add deployment" asks for the provider; weight 0 keeps it out of rotation.
      await page.getByRole('button', { name: 'Add a deployment to acme-chat' }).click();
      const deploymentForm = page.getByRole('form', { name: 'Add a deployment to acme-chat' });
      await deploymentForm.getByLabel('Deployment provider').selectOption({ label: 'mock-a' });
      await deploymentForm.getByLabel('Upstream model').fill('mock-spare');
      await deploymentForm.getByLabel('Weight').fill('0');
      await deploymentForm.getByRole('button', { name: 'Add deployment' }).click();
      await page.getByRole('button', { name: 'Edit deployment mock-spare of acme-chat' }).waitFor();
      const models = await stack.gql<any>('{ models(first: 10) { edges { node { name deployments { upstreamModel weight provider { name } } } } } }');
      const spare = models.models.edges.find((edge: any) => edge.node.name === 'acme-chat').node.deployments.find((d: any) => d.upstreamModel === 'mock-spare');
      expect(spare).toEqual({ upstreamModel: 'mock-spare', weight: 0, provider: { name: 'mock-a' } });

      // Fallback chains, routing profiles and plans have edit forms too.
      await stack.gql('mutation { createFallbackChain(input: { name: "chain-a", models: ["acme-chat"], triggers: [RATE_LIMIT] }) { __typename } }');
      await stack.gql('mutation { createRoutingProfile(input: { name: "profile-a", strategy: WEIGHTED }) { __typename } }');
      await stack.gql('mutation { createPlan(input: { name: "plan-a" }) { __typename } }');
      await page.reload();
      await signInIfAsked(page, STACK_ADMIN_KEY);
      await page.getByRole('button', { name: 'Edit chain chain-a' }).click();
      const chainForm = page.getByRole('form', { name: 'Edit chain chain-a' });
      await chainForm.getByLabel('timeout').check();
      await chainForm.getByRole('button', { name: 'Save' }).click();
      await chainForm.waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Edit profile profile-a' }).click();
      const profileForm = page.getByRole('form', { name: 'Edit profile profile-a' });
      await profileForm.getByLabel('Strategy').selectOption('COST');
      await profileForm.getByRole('button', { name: 'Save' }).click();
      await profileForm.waitFor({ state: 'detached' });
      await page.getByRole('link', { name: 'Plans' }).click();
      await page.getByRole('button', { name: 'Edit plan plan-a' }).click();
      const planForm = page.getByRole('form', { name: 'Edit plan plan-a' });
      await planForm.getByLabel('Requests per minute').fill('50');
      await planForm.getByRole('button', { name: 'Save' }).click();
      await planForm.waitFor({ state: 'detached' });
      const routing = await stack.gql<any>(
        '{ fallbackChains(first: 5) { edges { node { name triggers } } } routingProfiles(first: 5) { edges { node { name strategy } } } plans(first: 5) { edges { node { name limits { rpm } } } } }',
      );
      expect(routing.fallbackChains.edges.find((edge: any) => edge.node.name === 'chain-a').node.triggers.sort()).toEqual(['RATE_LIMIT', 'TIMEOUT']);
      expect(routing.routingProfiles.edges.find((edge: any) => edge.node.name === 'profile-a').node.strategy).toBe('COST');
      expect(routing.plans.edges.find((edge: any) => edge.node.name === 'plan-a').node.limits.rpm).toBe(50);
    });

    it("9. a guardrail added in the UI refuses a prompt through the API until it is deleted; the team's cache policy is set and removed", async () => {
      const { page } = admin;
      await page.goto(`/guardrails?team=${acmeTeamId}`);
      await signInIfAsked(page, STACK_ADMIN_KEY);
      await page.getByText('No guardrails on this team.').waitFor();
      await page.getByLabel('Guardrail name').fill('no-secrets');
      await page.getByLabel('Check').selectOption('DENY_LIST');
      await page.getByLabel('Denied words').fill('classified, top secret');
      await page.getByRole('button', { name: 'Add guardrail' }).click();
      await expect.poll(() => page.getByTestId('guardrail-no-secrets').textContent()).toContain('classified, top secret');

      // A key of its own: test 8 left acme-app at 2 requests a minute.
      const created = await stack.gql<any>(
        `mutation { createApiKey(input: { teamId: "${acmeTeamId}", name: "guarded" }) { ... on MutationCreateApiKeySuccess { data { secret } } } }`,
      );
      const sdk = new OpenAI({ baseURL: stack.dataUrl, apiKey: created.createApiKey.data.secret, maxRetries: 0 });
      const ask = (content: string) =>
        sdk.chat.completions.create({ model: 'acme-chat', messages: [{ role: 'user', content }] }).then(
          () => 'answered',
          (error: { status?: number; code?: string }) => `${error.status} ${error.code}`,
        );
      await waitUntil(async () => (await ask('this is classified')) === '400 guardrail_blocked', 5_000, 'the guardrail to reach the data plane');
      expect(await ask('nothing to hide')).toBe('answered');

      // An invalid pattern is a typed error shown at its field.
      await page.getByLabel('Guardrail name').fill('bad-pattern');
      await page.getByLabel('Denied patterns').fill('(a+)+');
      await page.getByRole('button', { name: 'Add guardrail' }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: /quantifier|RE2|pattern/i })
        .first()
        .waitFor();

      await page.getByLabel('Keep answers for (seconds)').fill('60');
      await page.getByRole('button', { name: 'Save cache policy' }).click();
      await expect.poll(() => page.getByTestId('cache-policy').textContent()).toContain('answers kept 60 s');
      await page.getByRole('button', { name: 'Remove team policy' }).click();
      await expect.poll(() => page.getByTestId('cache-policy').textContent()).toContain('No team policy');

      await page.getByRole('button', { name: 'Delete no-secrets' }).click();
      await page.getByText('No guardrails on this team.').waitFor();
      await waitUntil(async () => (await ask('this is classified')) === 'answered', 5_000, 'the deletion to reach the data plane');
    });

    it('6. revoking a key in the UI makes the data plane refuse it within 2 s', async () => {
      const { page } = admin;
      await page.goto(`/keys?team=${acmeTeamId}`);
      await signInIfAsked(page, STACK_ADMIN_KEY);
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

    it('7. a dropped WebSocket says so, reconnects and says that too', async () => {
      const page = await admin.context.newPage();
      let accept = true;
      const open: { close(): Promise<void> }[] = [];
      // Between the page and the control plane: forwards while `accept`, refuses otherwise.
      await page.routeWebSocket(/\/graphql$/, (socket) => {
        if (!accept) return void socket.close();
        socket.connectToServer();
        open.push(socket);
      });
      await signIn(page, STACK_ADMIN_KEY, `/?team=${acmeTeamId}`);
      const status = page.getByTestId('live-status');
      await status.getByText('Live', { exact: true }).waitFor();
      accept = false;
      await Promise.all(open.splice(0).map((socket) => socket.close()));
      await status.getByText('Live connection lost: reconnecting…').waitFor();
      accept = true;
      await status.getByText('Reconnected').waitFor({ timeout: 15_000 });
      await page.close();
    });
  });
}

/** A new tab (or a reload) keeps no token: sign in again where the console asks. */
async function signInIfAsked(page: Page, token: string): Promise<void> {
  const field = page.getByLabel('Admin key or member token');
  const nav = page.getByRole('button', { name: 'Sign out' });
  await field.or(nav).first().waitFor();
  if (await field.isVisible()) {
    await field.fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await nav.waitFor();
  }
}
