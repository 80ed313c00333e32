// The tests' `test`: Playwright's, with what the pages of a test's browser context said kept, so
// that a failed test prints it (console errors and warnings, uncaught exceptions, where each
// page was) and a failure in CI tells more than a missing element.
import { test as base, expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

export const test = base.extend<{ pageLog: string[] }>({
  pageLog: [
    async ({ context }, use, testInfo) => {
      const lines: string[] = [];
      context.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') {
          const where = message.location().url;
          lines.push(`${message.type()}${where ? ` at ${where}` : ''}: ${message.text()}`);
        }
      });
      context.on('weberror', (error) => lines.push(`uncaught: ${error.error().message}`));
      await use(lines);
      if (testInfo.status !== testInfo.expectedStatus) {
        const pages = context.pages().map((page) => `page at ${page.url()}`);
        console.log(['What the browser said:', ...pages, ...lines].join('\n'));
      }
    },
    { auto: true },
  ],
});

export { expect };

/// Follows `link` and waits until the page it leads to is hydrated. A link is a page load that may
/// fetch another bundle, and what is typed before its islands hydrate is lost.
export async function follow(page: Page, link: Locator) {
  const href = await link.getAttribute('href');
  await link.click();
  await page.waitForURL((url) => url.pathname + url.search === href);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
}
