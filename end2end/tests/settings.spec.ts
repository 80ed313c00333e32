// The Settings tab's customization (admission plugins, kube-proxy periods) and reset, on the SSO
// console: each rule at its field, what reaches the provider, and who may do what.
import { test, expect } from '../fixtures';
import { call, createCluster, project, waitUntilReady } from '../emulator';
import { signIn, sso } from '../sso';

test('customize admission plugins and kube-proxy, then reset with new nodes after typing the name', async ({ page }) => {
  test.setTimeout(60_000);
  const id = await createCluster('to-customize');
  await waitUntilReady(id);
  await signIn(page, 'alice', `/clusters/${id}/settings?project=default`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await expect(page.getByLabel(/^NodeRestriction/)).toBeChecked();
  await expect(page.getByLabel(/^NodeRestriction/)).toBeDisabled();
  await page.getByLabel(/^AlwaysPullImages/).uncheck();
  const save = page.getByRole('button', { name: 'Save the customization' });
  await page.getByLabel('Sync period', { exact: true }).fill('PT0S');
  await expect(page.locator('#kube-proxy-sync-error')).toContainText('longer than zero');
  await expect(save).toBeDisabled();
  await page.getByLabel('Minimum sync period').fill('1 second');
  await expect(page.locator('#kube-proxy-min-sync-error')).toContainText('is not a duration');
  await page.getByLabel('Minimum sync period').fill('PT1S');
  await page.getByLabel('Sync period', { exact: true }).fill('PT30S');
  await save.click();
  await expect(page.getByText('Change requested')).toBeVisible();
  await expect
    .poll(async () => (await call('GET', `/cloud/project/${project}/kube/${id}/customization`)).kubeProxy?.iptables, { timeout: 20_000 })
    .toEqual({ minSyncPeriod: 'PT1S', syncPeriod: 'PT30S' });
  const stored = await call('GET', `/cloud/project/${project}/kube/${id}/customization`);
  expect(stored.apiServer.admissionPlugins).toEqual({ enabled: ['NodeRestriction'], disabled: ['AlwaysPullImages'] });
  await waitUntilReady(id);
  await page.reload();
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await expect(page.getByLabel(/^AlwaysPullImages/)).not.toBeChecked();
  await expect(page.getByLabel('Sync period', { exact: true })).toHaveValue('PT30S');

  const nodesBefore = (await call('GET', `/cloud/project/${project}/kube/${id}/node`)).map((n: any) => n.id);
  await page.getByRole('button', { name: 'Reset…' }).click();
  await page.getByLabel(/^Delete them/).check();
  const confirm = page.getByLabel(/to reset it/);
  await confirm.fill('to-customiz');
  await expect(page.getByRole('button', { name: 'Reset cluster' })).toBeDisabled();
  await confirm.fill('to-customize');
  await page.getByRole('button', { name: 'Reset cluster' }).click();
  await expect(page.getByText('Reset requested')).toBeVisible();
  // The cluster's Activity tab: both changes requested and carried out, by alice.
  await expect
    .poll(
      async () => {
        await page.goto(`${sso.console}/clusters/${id}/activity?project=default`);
        return page.locator('table.list tbody tr').filter({ hasText: 'operation.reset_cluster' }).filter({ hasText: 'succeeded' }).count();
      },
      { timeout: 30_000 },
    )
    .toBe(1);
  for (const action of ['operation.customize_cluster', 'operation.reset_cluster']) {
    const rows = page.locator('table.list tbody tr').filter({ hasText: action });
    await expect(rows.filter({ hasText: 'requested' })).toHaveCount(1);
    await expect(rows.filter({ hasText: 'succeeded' })).toHaveCount(1);
    await expect(rows.first()).toContainText('alice');
    await expect(rows.first()).toContainText('to-customize');
  }
  await waitUntilReady(id);
  expect((await call('GET', `/cloud/project/${project}/kube/${id}`)).name).toBe('to-customize');
  // "Delete them": the pool has new nodes, none of the old ones.
  const nodes = async () => (await call('GET', `/cloud/project/${project}/kube/${id}/node`)).map((n: any) => n.id);
  await expect.poll(async () => (await nodes()).length, { timeout: 20_000 }).toBe(nodesBefore.length);
  expect((await nodes()).filter((n: string) => nodesBefore.includes(n))).toEqual([]);
});

test('an operator customizes but cannot reset; a forged reset is refused', async ({ page }) => {
  const id = await createCluster('no-reset');
  await waitUntilReady(id);
  await signIn(page, 'bob', `/clusters/${id}/settings?project=default`);
  await expect(page.getByRole('button', { name: 'Save the customization' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Reset…' })).toHaveCount(0);
  const forged = await page.request.post(`${sso.console}/api/reset_cluster`, {
    form: { project: 'default', cluster: id, nodes: 'delete', confirm: 'no-reset' },
    headers: { Origin: sso.console },
  });
  expect(forged.status()).toBe(403);
  expect((await call('GET', `/cloud/project/${project}/kube/${id}`)).status).toBe('READY');
});
