// The tests' `test`: Playwright's, with what the pages of a test's browser context said kept, so
// that a failed test prints it (console errors and warnings, uncaught exceptions, where each
// page was) and a failure in CI tells more than a missing element.
import { test as base, expect } from '@playwright/test';

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
