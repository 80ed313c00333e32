// What a newcomer meets first, on the SSO console: the clusters list fits a phone's width (only
// its table scrolls sideways), the cluster page's tab bar leads to every tab, Activity included,
// and the browser's own favicon request is answered.
import { test, expect } from '@playwright/test';
import { call, project, waitUntilReady } from '../emulator';
import { signIn, sso } from '../sso';

/** A cluster made at the provider for `use`, deleted afterwards: the project's Free quota is shared
 * by every test on this console. */
async function withCluster(name: string, use: (id: string) => Promise<void>) {
  const body = { name, region: 'GRA11', nodepools: [{ name: 'workers', flavorName: 'b3-8', desiredNodes: 1 }] };
  const { id } = await call('POST', `/cloud/project/${project}/kube`, body);
  try {
    await waitUntilReady(id);
    await use(id);
  } finally {
    await call('DELETE', `/cloud/project/${project}/kube/${id}`);
  }
}

test('the clusters list fits a 375 px wide screen; only its table scrolls', async ({ page }) => {
  // Made at the provider just before the page opens: the list shows it once read (live, when the
  // page was rendered before that read; an empty project's page included).
  await withCluster('a-cluster-with-quite-a-long-name-on-a-phone', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await signIn(page, 'alice', `/clusters?project=${project}`);
    await expect(page.locator('body[data-hydrated]')).toBeAttached();
    await expect(page.locator('tr[data-cluster="a-cluster-with-quite-a-long-name-on-a-phone"]')).toBeAttached();
    const page_width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(page_width).toBeLessThanOrEqual(375);
    const table = page.locator('.table-scroll').first();
    const [inner, outer] = await table.evaluate((box) => [box.scrollWidth, box.clientWidth]);
    expect(outer).toBeLessThanOrEqual(375);
    expect(inner).toBeGreaterThanOrEqual(outer);
  });
});

test('the tab bar links to the Activity tab', async ({ page }) => {
  await withCluster('tabs-for-everything', async (id) => {
    await signIn(page, 'alice', `/clusters/${id}?project=${project}`);
    const tabs = page.getByRole('navigation', { name: 'Cluster' });
    await expect(tabs.getByRole('link')).toHaveText(['Overview', 'Node pools', 'Upgrades', 'Access', 'Settings', 'Activity']);
    await tabs.getByRole('link', { name: 'Activity' }).click();
    await expect(page).toHaveURL(new RegExp(`/clusters/${id}/activity`));
    await expect(tabs.getByRole('link', { name: 'Activity' })).toHaveAttribute('aria-current', 'page');
  });
});

test('the favicon the browser asks for by itself is there', async ({ request }) => {
  const response = await request.get(`${sso.console}/favicon.ico`);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toContain('image/svg+xml');
});
