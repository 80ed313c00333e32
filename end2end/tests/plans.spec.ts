import { test, expect } from '../fixtures';
import type { Page } from '@playwright/test';

/** Waits until the wasm bundle has taken over the server-rendered page. */
async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
}

test('the plan page shows computed downtime budgets', async ({ page }) => {
  await page.goto('/plans');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Plans: Free and Standard');
  // This console has no identity provider: the header says so.
  await expect(page.locator('.user-menu')).toContainText('local mode');
  const row = page.locator('#plan-overview').getByRole('row', { name: /Downtime budget per 30-day month/ });
  await expect(row.getByRole('cell').nth(0)).toHaveText('3 h 36 min');
  await expect(row.getByRole('cell').nth(1)).toHaveText('4 min 19 s (43 min 12 s in 1-AZ regions)');
});

test('the plan helper answers in the browser as the user types', async ({ page }) => {
  await page.goto('/plans');
  await hydrated(page);
  const answer = page.locator('#fit-answer');
  const nodes = page.getByLabel('Nodes needed at most (all pools)');
  await expect(answer).toContainText('Free fits.');

  await nodes.fill('150');
  await expect(answer).toContainText('Standard fits.');
  await expect(answer).toContainText('150 nodes is more than the Free plan');

  await nodes.fill('many');
  await expect(nodes).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#fit-nodes-error')).toHaveText('Enter the number of nodes as a whole number, like 3.');

  await nodes.fill('600');
  await expect(answer).toContainText('No single cluster holds 600 nodes');

  await nodes.fill('4');
  await page.getByLabel('Nodes spread over three availability zones').check();
  await expect(answer).toContainText('Standard fits.');
  await expect(answer).toContainText('needs a 3-AZ region');
});

test('the theme choice is applied and survives a reload', async ({ page }) => {
  await page.goto('/plans');
  await hydrated(page);
  const html = page.locator('html');
  await page.getByRole('button', { name: 'Dark' }).click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await hydrated(page);
  await expect(page.getByRole('button', { name: 'Dark' })).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: 'System' }).click();
  await expect(html).not.toHaveAttribute('data-theme');
});

test('keyboard users can skip to the content', async ({ page }) => {
  await page.goto('/plans');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
});

test('the skip link moves focus to the content once the page is live too', async ({ page }) => {
  await page.goto('/plans');
  await hydrated(page);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
});

test('an unknown address shows the not-found page with status 404', async ({ page }) => {
  const response = await page.goto('/no/such/page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
});
