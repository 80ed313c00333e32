// The fleet on the SSO console: alice is an admin of both its projects ("Emulator" and "Team B",
// both on the one emulator, so each cluster shows once per project). Attention filters shown by
// real provider state: an old version, a broken node, a cluster still installing, a failed
// operation, etcd filling up; the CSV export carries what the table shows.
import { test, expect } from '../fixtures';
import type { Page } from '@playwright/test';
import { breakNode, call, project, setClockSpeed, setEtcdUsage, setFaults, waitUntilReady } from '../emulator';
import { signIn, sso } from '../sso';

/// A one-node Standard cluster (the Free quota is shared by the whole run) at `version`, ready.
async function cluster(name: string, version: string): Promise<string> {
  const body = {
    name,
    region: 'GRA11',
    plan: 'standard',
    version,
    nodepools: [{ name: 'general', flavorName: 'b3-8', desiredNodes: 1 }],
  };
  const { id } = await call('POST', `/cloud/project/${project}/kube`, body);
  await waitUntilReady(id);
  return id;
}

function row(page: Page, name: string, projectId = 'default') {
  return page.locator(`[data-testid="fleet-clusters"] tr[data-cluster="${name}"][data-project="${projectId}"]`);
}

async function filter(page: Page, key: string) {
  await page.locator(`button[data-attention="${key}"]`).click();
  await expect(page.locator(`button[data-attention="${key}"]`)).toHaveAttribute('aria-pressed', 'true');
}

test('the fleet across two projects, each attention filter from provider state', async ({ page }) => {
  test.setTimeout(120_000);
  const old = await cluster('fleet-old', '1.31');
  const broken = await cluster('fleet-broken', '1.35');
  const failing = await cluster('fleet-failing', '1.35');
  await setEtcdUsage(broken, 7 * 1024 * 1024 * 1024);

  // Alice has two projects: the start page is the fleet.
  await signIn(page, 'alice', '/');
  await expect(page).toHaveURL(`${sso.console}/fleet`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await expect(page.getByTestId('fleet-projects').getByRole('row')).toHaveCount(3);
  await expect(page.getByTestId('fleet-projects')).toContainText('Team B');
  await expect(page.getByTestId('fleet-projects')).toContainText('EUR');
  await expect(page.getByText("The provider's FR price list")).toBeVisible();
  await expect(row(page, 'fleet-old')).toBeVisible();
  await expect(row(page, 'fleet-old', 'team-b')).toBeVisible();
  await expect(row(page, 'fleet-old').getByTestId('attention')).toContainText('At or near end of life');
  await expect(row(page, 'fleet-old')).toContainText('End of life since 2025-10-28');
  await expect(row(page, 'fleet-old').getByTestId('attention')).toContainText('Upgrade available');

  // A broken node, with the provider's clock slowed so it stays broken (it heals after ten of the
  // emulator's minutes, a second of its clock at this console's speed): shown live.
  await setClockSpeed(0.01);
  try {
    const nodes = await call('GET', `/cloud/project/${project}/kube/${broken}/node`);
    await breakNode(nodes[0].id);
    await expect(row(page, 'fleet-broken').getByTestId('attention')).toContainText('Nodes not ready', {
      timeout: 30_000,
    });
    await expect(row(page, 'fleet-broken').getByTestId('attention')).toContainText('etcd above 80 %');
    await filter(page, 'nodes-not-ready');
    await expect(page.locator('[data-testid="fleet-clusters"] tbody tr')).toHaveCount(2);
    await expect(row(page, 'fleet-broken', 'team-b')).toBeVisible();
    await expect(page.getByTestId('fleet-count')).toContainText('2 of');
    await filter(page, 'etcd-high');
    await expect(row(page, 'fleet-broken')).toContainText('87 %');
    // A cluster still being installed is not ready.
    const body = { name: 'fleet-new', region: 'GRA11', plan: 'standard', nodepools: [{ name: 'general', flavorName: 'b3-8', desiredNodes: 1 }] };
    await call('POST', `/cloud/project/${project}/kube`, body);
    await filter(page, '');
    await expect(row(page, 'fleet-new').getByTestId('attention')).toContainText('Not ready', { timeout: 30_000 });
    await filter(page, 'not-ready');
    await expect(row(page, 'fleet-new')).toBeVisible();
    await expect(row(page, 'fleet-broken')).toHaveCount(0);
  } finally {
    await setClockSpeed(600);
  }

  // A rename the provider refuses: a failed operation, in the project it was asked in only.
  await setFaults([{ pathContains: `/kube/${failing}`, method: 'PUT', status: 403 }]);
  try {
    await page.goto(`${sso.console}/clusters/${failing}/settings?project=default`);
    await expect(page.locator('body[data-hydrated]')).toBeAttached();
    await page.getByLabel('Cluster name').fill('fleet-failing-2');
    const renamed = page.waitForResponse((r) => r.url().endsWith('/rename_cluster'));
    await page.getByRole('button', { name: 'Rename' }).click();
    expect((await renamed).status()).toBe(200);
    await expect(async () => {
      await page.goto(`${sso.console}/fleet?show=failed-operation`);
      await expect(row(page, 'fleet-failing')).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
  } finally {
    await setFaults([]);
  }
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await expect(page.locator('button[data-attention="failed-operation"]')).toHaveAttribute('aria-pressed', 'true');
  await expect(row(page, 'fleet-failing')).toBeVisible();
  await expect(row(page, 'fleet-failing', 'team-b')).toHaveCount(0);

  // Search and the CSV export of what is shown.
  await filter(page, '');
  await page.getByLabel('Search').fill('fleet-old');
  await expect(page.locator('[data-testid="fleet-clusters"] tbody tr')).toHaveCount(2);
  const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
  expect(href).toBe('/api/fleet.csv?q=fleet-old&sort=attention');
  const csv = await (await page.request.get(`${sso.console}${href}`)).text();
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toContain('"project","cluster","id"');
  expect(lines).toHaveLength(3);
  expect(csv).toContain('"fleet-old"');
  expect(csv).toContain(old);
  expect(csv).toContain('end-of-life');
});

test('a user of one project lands on their clusters', async ({ page }) => {
  await signIn(page, 'carol', '/');
  await expect(page).not.toHaveURL(/\/fleet/);
});
