// What a newcomer meets first, on the SSO console: the clusters list fits a phone's width (only
// its table scrolls sideways), the cluster page's tab bar leads to every tab, Activity included,
// each tab is a page of its own (a page load: only islands hydrate, see app::islands), and the
// browser's own favicon request is answered.
import { test, expect } from '../fixtures';
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
    await expect(tabs.getByRole('link')).toHaveText(['Overview', 'Node pools', 'Workloads', 'Upgrades', 'Access', 'Settings', 'Activity']);
    await tabs.getByRole('link', { name: 'Activity' }).click();
    await expect(page).toHaveURL(new RegExp(`/clusters/${id}/activity`));
    await expect(tabs.getByRole('link', { name: 'Activity' })).toHaveAttribute('aria-current', 'page');
  });
});

test('a tab is a page load that marks the tab current; a tab that does not exist is not found', async ({ page }) => {
  await withCluster('tabs-in-place', async (id) => {
    await signIn(page, 'alice', `/clusters/${id}?project=${project}`);
    await expect(page.locator('body[data-hydrated]')).toBeAttached();
    await expect(page.getByRole('heading', { name: 'Operations' })).toBeVisible();
    // Marks the heading's element: the tab's page, loaded from the server, does not carry it.
    await page.locator('h1').evaluate((heading) => heading.setAttribute('data-marked', ''));
    const tabs = page.getByRole('navigation', { name: 'Cluster' });
    await tabs.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByLabel('Cluster name')).toBeVisible();
    await expect(tabs.getByRole('link', { name: 'Settings' })).toHaveAttribute('aria-current', 'page');
    await expect(tabs.getByRole('link', { name: 'Overview' })).toHaveAttribute('aria-current', 'false');
    await expect(page.locator('h1[data-marked]')).toHaveCount(0);
    const missing = await page.goto(`${sso.console}/clusters/${id}/nodes?project=${project}`);
    expect(missing?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  });
});

test('the favicon the browser asks for by itself is there', async ({ request }) => {
  const response = await request.get(`${sso.console}/favicon.ico`);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toContain('image/svg+xml');
});
