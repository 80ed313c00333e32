// Every change the cluster page offers, made as alice through the console's own server functions
// and routes, then found in the Activity page with actor, target and outcome.
import { test, expect } from '../fixtures';
import type { Page } from '@playwright/test';
import { call, project, waitUntilReady } from '../emulator';
import { signIn, sso } from '../sso';

/// Calls a server function as the signed-in user; `json` for the ones taking a JSON body.
async function server(page: Page, name: string, body: Record<string, unknown>, json = false): Promise<any> {
  const headers = { Origin: sso.console };
  const options = json ? { data: body, headers } : { form: body as Record<string, string>, headers };
  const response = await page.request.post(`${sso.console}/api/${name}`, options);
  expect(response.status(), `${name}: ${await response.text()}`).toBe(200);
  return response.json();
}

/// Waits for the operation `id` to succeed.
async function done(page: Page, id: string) {
  await expect
    .poll(async () => (await server(page, 'operation', { project: 'default', operation: id })).state, { timeout: 30_000 })
    .toBe('succeeded');
}

test('every cluster action is in the Activity page with actor, target and outcome', async ({ page }) => {
  test.setTimeout(240_000);
  const body = { name: 'trail', region: 'GRA11', version: '1.31', nodepools: [{ name: 'workers', flavorName: 'b3-8', desiredNodes: 2 }] };
  const { id } = await call('POST', `/cloud/project/${project}/kube`, body);
  await waitUntilReady(id);
  await signIn(page, 'alice', `/clusters/${id}?project=default`);
  await expect(page.getByRole('heading', { name: /trail/ })).toBeVisible();
  const base = { project: 'default', cluster: id };
  const step = async (name: string, args: Record<string, unknown>, json = false) => done(page, await server(page, name, { ...base, ...args }, json));

  await step('rename_cluster', { name: 'trail-renamed' });
  await step('update_cluster_policy', { policy: 'MINIMAL_DOWNTIME' });
  const [workers] = await server(page, 'node_pools', base);
  await step('update_node_pool', { pool: workers.id, spec: { ...workers.spec, desiredNodes: 3 }, key: 'trail-scale' }, true);
  await step('create_node_pool', { spec: { ...workers.spec, name: 'extra', desiredNodes: 1 }, key: 'trail-extra' }, true);
  const pools = await server(page, 'node_pools', base);
  const extra = pools.find((p: any) => p.spec.name === 'extra');
  const victim = pools.find((p: any) => p.spec.name === 'workers').nodes[0];
  await step('remove_node', { pool: workers.id, node: victim.id });
  await step('delete_node_pool', { pool: extra.id });
  await step('set_allow_list', { entries: ['127.0.0.1/32'] }, true);
  await step('set_cluster_oidc', { config: { issuerUrl: sso.idp, clientId: 'kubernetes' } }, true);
  await step('remove_cluster_oidc', {});
  await step('customize_cluster', { view: { disabledPlugins: ['AlwaysPullImages'], minSyncPeriod: '', syncPeriod: 'PT30S' } }, true);
  await step('reset_kubeconfig', {});
  await step('upgrade_cluster', { strategy: 'NEXT_MINOR' });
  await step('reset_cluster', { nodes: 'reinstall', confirm: 'trail-renamed' });
  const download = await page.request.post(`${sso.console}/api/projects/default/clusters/${id}/kubeconfig`, { headers: { Origin: sso.console } });
  expect(download.status()).toBe(200);
  await step('delete_cluster', { confirm: 'trail-renamed' });

  await page.goto(`${sso.console}/activity?cluster=${id}`);
  const rows = page.locator('table.list tbody tr');
  const expected: [string, string][] = [
    ['operation.rename_cluster', 'trail'],
    ['operation.update_cluster_policy', 'trail-renamed'],
    ['operation.update_node_pool', 'workers'],
    ['operation.create_node_pool', 'extra'],
    ['operation.remove_node', victim.name],
    ['operation.delete_node_pool', 'extra'],
    ['operation.set_ip_restrictions', 'trail-renamed'],
    ['operation.set_cluster_oidc', 'trail-renamed'],
    ['operation.remove_cluster_oidc', 'trail-renamed'],
    ['operation.customize_cluster', 'trail-renamed'],
    ['operation.reset_kubeconfig', 'trail-renamed'],
    ['operation.upgrade_cluster', 'trail-renamed'],
    ['operation.reset_cluster', 'trail-renamed'],
    ['operation.delete_cluster', 'trail-renamed'],
  ];
  for (const [action, target] of expected) {
    const found = rows.filter({ hasText: action });
    await expect(found.filter({ hasText: 'requested' }), action).toHaveCount(1);
    await expect(found.filter({ hasText: 'succeeded' }), action).toHaveCount(1);
    for (const row of await found.all()) {
      await expect(row, action).toContainText('alice');
      await expect(row, action).toContainText(target);
    }
  }
  const downloads = rows.filter({ hasText: 'kubeconfig.download' });
  await expect(downloads).toHaveCount(1);
  await expect(downloads).toContainText('alice');
  await expect(downloads).toContainText('succeeded');
});
