import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`): Playwright's own browsers cannot be downloaded here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface ConsoleBrowser {
  browser: Browser;
  /** GraphQL errors any page received so far (a query over the API's cost limit, say): a test asserts none. */
  graphqlErrors: string[];
  /** A fresh context (own storage, clipboard allowed) signed in with `token` at `baseUrl`. */
  signedIn(token: string, options?: { width?: number; height?: number }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh profile and no background traffic. */
export async function launchConsoleBrowser(baseUrl: string): Promise<ConsoleBrowser> {
  // Playwright gives every launch a fresh temporary --user-data-dir of its own (and refuses one in
  // args); each signed-in user below gets its own context on top of it.
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const graphqlErrors: string[] = [];
  return {
    browser,
    graphqlErrors,
    async signedIn(token, options = {}) {
      const context = await browser.newContext({
        baseURL: baseUrl,
        viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
        permissions: ['clipboard-read', 'clipboard-write'],
      });
      context.setDefaultTimeout(10_000);
      context.on('response', async (response) => {
        if (!response.url().endsWith('/graphql') || response.request().method() !== 'POST') return;
        const body = (await response.json().catch(() => null)) as { errors?: { message: string }[] } | null;
        const operation = response.request().postDataJSON()?.operationName;
        // GraphiQL's own schema fetch carries no token: not the console's doing.
        if (operation === 'IntrospectionQuery') return;
        for (const error of body?.errors ?? []) graphqlErrors.push(`${response.request().postDataJSON()?.operationName ?? '?'}: ${error.message}`);
      });
      const page = await context.newPage();
      await signIn(page, token);
      return { context, page };
    },
    async close() {
      await browser.close();
    },
  };
}

/** Signs `page` in at `path` (the token lives in the tab's session storage: every tab signs in). */
export async function signIn(page: Page, token: string, path = '/'): Promise<void> {
  await page.goto(path);
  await page.getByLabel('Admin key or member token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The top bar, not the navigation: on a narrow screen the navigation hides behind "Menu".
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}
