// The cluster page's Node pools tab on the SSO console (emulator at 600× speed): scale and watch,
// edit labels and taints without losing what was set elsewhere, fixed fields, remove one node.
import { test, expect } from '../fixtures';
import { call, project, waitUntilReady } from '../emulator';
import { signIn, sso } from '../sso';

async function clusterWithPool(name: string): Promise<{ id: string; pool: string }> {
  const body = {
    name,
    region: 'GRA11',
    nodepools: [{ name: 'workers', flavorName: 'b3-8', desiredNodes: 2, template: { metadata: { annotations: { 'set-by': 'terraform' } } } }],
  };
  const { id } = await call('POST', `/cloud/project/${project}/kube`, body);
  await waitUntilReady(id);
  const [pool] = await call('GET', `/cloud/project/${project}/kube/${id}/nodepool`);
  return { id, pool: pool.id };
}

test('scale a pool, add a taint and a label; what was set elsewhere survives', async ({ page }) => {
  const { id, pool } = await clusterWithPool('pools-edit');
  await signIn(page, 'alice', `/clusters/${id}/pools?project=default`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  const card = page.locator('section[data-pool="workers"]');
  await expect(card.getByTestId('pool-counts')).toContainText('2 available', { timeout: 20_000 });
  await card.getByRole('button', { name: 'Edit…' }).click();
  // The flavor is fixed at creation, and the form says why.
  await expect(card.locator('[data-fixed="Flavor"]')).toHaveText('b3-8');
  await expect(card.locator('.fixed')).toContainText('create a new pool with another flavor instead');
  await card.getByLabel('Nodes', { exact: true }).fill('4');
  await card.getByLabel(/^Labels/).fill('team=payments');
  await card.getByLabel(/^Taints/).fill('dedicated=payments:NoSchedule');
  await card.getByLabel(/^Taints/).press('Tab');
  await card.getByRole('button', { name: 'Save changes' }).click();
  // Live: the pool grows to four available nodes without a reload.
  await expect(card.getByTestId('pool-counts')).toContainText('4 desired', { timeout: 20_000 });
  await expect(card.getByTestId('pool-counts')).toContainText('4 available', { timeout: 30_000 });

  await page.reload();
  await expect(card.getByTestId('pool-labels')).toHaveText('team=payments');
  await expect(card.getByTestId('pool-taints')).toHaveText('dedicated=payments:NoSchedule');
  const saved = await call('GET', `/cloud/project/${project}/kube/${id}/nodepool/${pool}`);
  expect(saved.template.metadata.annotations).toEqual({ 'set-by': 'terraform' });
  expect(saved.template.metadata.labels).toEqual({ team: 'payments' });
});

test('a rule broken in the editor is shown at its field and nothing is sent', async ({ page }) => {
  const { id } = await clusterWithPool('pools-rules');
  await signIn(page, 'alice', `/clusters/${id}/pools?project=default`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  const card = page.locator('section[data-pool="workers"]');
  await card.getByRole('button', { name: 'Edit…' }).click();
  await card.getByLabel('Nodes', { exact: true }).fill('101');
  await expect(card.locator('#edit-workers-desired-error')).toHaveText('A Free cluster holds at most 100 nodes.');
  await expect(card.getByRole('button', { name: 'Save changes' })).toBeDisabled();
});

test('autoscaling with its three tuning values reaches the provider; a share above 1 is refused', async ({ page }) => {
  const { id, pool } = await clusterWithPool('pools-autoscale');
  await signIn(page, 'alice', `/clusters/${id}/pools?project=default`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  const card = page.locator('section[data-pool="workers"]');
  await card.getByRole('button', { name: 'Edit…' }).click();
  await card.getByLabel('Autoscale between a minimum and a maximum').check();
  await card.getByLabel('Minimum nodes').fill('1');
  await card.getByLabel('Maximum nodes').fill('5');
  await card.getByLabel(/unneeded for/).fill('300');
  await card.getByLabel(/unready for/).fill('900');
  const share = card.getByLabel(/share of its resources/);
  await share.fill('1.5');
  await expect(card.locator('#edit-workers-threshold-error')).not.toBeEmpty();
  await expect(card.getByRole('button', { name: 'Save changes' })).toBeDisabled();
  await share.fill('0.65');
  await card.getByRole('button', { name: 'Save changes' }).click();
  await expect
    .poll(async () => (await call('GET', `/cloud/project/${project}/kube/${id}/nodepool/${pool}`)).autoscaling, { timeout: 20_000 })
    .toEqual({ scaleDownUnneededTimeSeconds: 300, scaleDownUnreadyTimeSeconds: 900, scaleDownUtilizationThreshold: 0.65 });
  const stored = await call('GET', `/cloud/project/${project}/kube/${id}/nodepool/${pool}`);
  expect(stored).toMatchObject({ autoscale: true, minNodes: 1, maxNodes: 5 });
});

test('remove one chosen node: exactly that node goes and the pool shrinks by one', async ({ page }) => {
  const { id } = await clusterWithPool('pools-remove');
  const nodes: any[] = await call('GET', `/cloud/project/${project}/kube/${id}/node`);
  expect(nodes).toHaveLength(2);
  const [kept, removed] = nodes;
  await signIn(page, 'alice', `/clusters/${id}/pools?project=default`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  const row = page.locator(`tr[data-node="${removed.name}"]`);
  await row.getByRole('button', { name: 'Remove…' }).click();
  await row.getByRole('button', { name: 'Remove this node' }).click();
  await expect(page.locator(`tr[data-node="${removed.name}"]`)).toHaveCount(0, { timeout: 30_000 });
  await expect(page.locator(`tr[data-node="${kept.name}"]`)).toBeVisible();
  const left: any[] = await call('GET', `/cloud/project/${project}/kube/${id}/node`);
  expect(left.map((n) => n.id)).toEqual([kept.id]);
  await expect(page.locator('section[data-pool="workers"]').getByTestId('pool-counts')).toContainText('1 desired');
});

test('an operator edits pools but deletes none; a forged pool deletion is refused', async ({ page }) => {
  const { id, pool } = await clusterWithPool('pools-operator');
  await signIn(page, 'bob', `/clusters/${id}/pools?project=default`);
  const card = page.locator('section[data-pool="workers"]');
  await expect(card.getByRole('button', { name: 'Edit…' })).toBeVisible();
  await expect(card.getByRole('button', { name: 'Delete pool…' })).toHaveCount(0);
  const forged = await page.request.post(`${sso.console}/api/delete_node_pool`, {
    form: { project: 'default', cluster: id, pool },
    headers: { Origin: sso.console },
  });
  expect(forged.status()).toBe(403);
});

test('add a pool with the wizard\'s form and rules, and a new pool like an existing one', async ({ page }) => {
  const { id } = await clusterWithPool('pools-add');
  await signIn(page, 'alice', `/clusters/${id}/pools?project=default`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await page.getByRole('button', { name: 'Add a node pool' }).click();
  const form = page.locator('form.new-pool');
  await expect(form.getByRole('heading', { name: 'New node pool' })).toBeFocused();
  const create = form.getByRole('button', { name: 'Create the pool' });
  // The cluster's other pools count: their names and the plan's node limit.
  await form.getByLabel('Pool name').fill('workers');
  await expect(form.locator('#pool-0-name-error')).toContainText('already has a pool named workers');
  await expect(create).toBeDisabled();
  await form.getByLabel('Pool name').fill('batch');
  await form.locator('#pool-0-flavor-b3-16').check();
  await form.getByLabel('Nodes', { exact: true }).fill('99');
  await expect(form.locator('#pool-0-desired-error')).toContainText('100');
  await expect(create).toBeDisabled();
  await form.getByLabel('Nodes', { exact: true }).fill('1');
  await form.getByText('Labels, taints and annotations').click();
  await form.getByLabel(/^Labels/).fill('kind=batch');
  await create.click();
  await expect(page.getByText('Pool batch requested')).toBeVisible();
  await expect(form).toHaveCount(0);
  const batch = page.locator('section[data-pool="batch"]');
  await expect(batch.getByTestId('pool-counts')).toContainText('1 available', { timeout: 30_000 });
  const pools = await call('GET', `/cloud/project/${project}/kube/${id}/nodepool`);
  expect(pools.find((p: any) => p.name === 'batch')).toMatchObject({ flavor: 'b3-16', desiredNodes: 1 });

  // "New pool with these settings" starts from the pool's fixed and editable settings.
  await batch.getByRole('button', { name: 'Edit…' }).click();
  await batch.getByRole('button', { name: 'New pool with these settings' }).click();
  await expect(form.getByLabel('Pool name')).toHaveValue('batch-2');
  await expect(form.locator('#pool-0-flavor-b3-16')).toBeChecked();
  await expect(form.getByLabel(/^Labels/)).toBeVisible();
  await expect(form.getByLabel(/^Labels/)).toHaveValue('kind=batch');
  await form.getByRole('button', { name: 'Cancel' }).click();
  await expect(form).toHaveCount(0);
});
