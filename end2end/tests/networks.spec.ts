// Private networks end to end on the SSO console: the network page (create, gateway, deletion
// refused while in use), the wizard's lists (a 1-AZ cluster on a subnet without a gateway, an
// overlap refused at its field) and the cluster's Network card (the load-balancer subnet moved,
// as the provider then reports it).
import { test, expect, follow } from '../fixtures';
import type { Page } from '@playwright/test';
import { call, clusters, createClusterOn, createNetwork, project, setClockSpeed, waitUntilReady } from '../emulator';
import { signIn } from '../sso';

const operation = (page: Page, label: string) =>
  page.locator('li.operation').filter({ hasText: label }).first().getByTestId('operation-state');

async function startWizard(page: Page, name: string) {
  await signIn(page, 'alice', '/clusters/new/plan');
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await page.getByLabel('Cluster name').fill(name);
  await page.getByLabel('Standard').check();
  const steps = page.getByRole('navigation', { name: 'Wizard steps' });
  await follow(page, steps.getByRole('link', { name: /Location/ }));
  await page.locator('label[for="region-GRA11"]').click();
  await follow(page, steps.getByRole('link', { name: /Network/ }));
  await page.getByLabel('Private network (vRack)').check();
}

test('the network page creates a network with a gateway, and refuses to delete one in use', async ({ page }) => {
  test.setTimeout(60_000);
  await signIn(page, 'alice', '/networks');
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await page.getByRole('button', { name: 'New network' }).click();
  await page.getByLabel('Name', { exact: true }).fill('edge');
  await page.getByLabel('VLAN id').fill('4001');
  await expect(page.locator('#network-vlan-error')).toContainText('0 to 4000');
  await page.getByLabel('VLAN id').fill('101');
  await page.getByLabel('Region', { exact: true }).selectOption('GRA11');
  await page.getByLabel('Subnet range').fill('8.8.8.0/24');
  await expect(page.locator('#subnet-cidr-error')).toContainText('not private');
  await page.getByLabel('Subnet range').fill('10.101.0.0/24');
  await expect(page.getByLabel('DHCP range start')).toHaveValue('10.101.0.2');
  await page.getByLabel('Add a managed gateway on the subnet').check();
  // The provider takes seconds to build the network and its gateway: the page follows the
  // operation until it ends, then reads the networks again.
  await setClockSpeed(0.05);
  try {
    await page.getByRole('button', { name: 'Create the network' }).click();
    await expect(operation(page, 'Create private network')).toHaveText(/Queued|Running/);
    await expect(operation(page, 'Create private network')).toHaveText('Done', { timeout: 30_000 });
  } finally {
    await setClockSpeed(600);
  }
  const card = page.locator('article.network').filter({ hasText: 'edge' });
  await expect(card.locator('tr', { hasText: '10.101.0.0/24' })).toContainText('active', { timeout: 10_000 });
  const [edge] = (await call('GET', `/cloud/project/${project}/network/private`)).filter((n: any) => n.name === 'edge');
  expect(edge.vlanId).toBe(101);

  // In use: refused before asking, the cluster named.
  const subnets = await call('GET', `/cloud/project/${project}/network/private/${edge.id}/subnet`);
  await createClusterOn('on-edge', 'GRA11', 'standard', edge.regions[0].openstackId, subnets[0].id);
  await page.reload();
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await expect(card).toContainText('Used by on-edge.');
  await card.getByRole('button', { name: 'Delete edge…' }).click();
  await expect(card.getByRole('alert')).toContainText('edge cannot be deleted: it is used by on-edge');
  await expect(card.getByRole('button', { name: 'Delete network' })).toHaveCount(0);

  // Unused: asked, then deleted with its subnet.
  await createNetwork('spare', 102, 'GRA11', ['10.102.0.0/24']);
  await page.reload();
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  const spare = page.locator('article.network').filter({ hasText: 'spare' });
  await spare.getByRole('button', { name: 'Delete spare…' }).click();
  await expect(spare.getByRole('alertdialog')).toContainText('Delete spare with its 1 subnet(s)');
  await spare.getByRole('button', { name: 'Delete network' }).click();
  await expect(operation(page, 'Delete private network')).toHaveText('Done', { timeout: 30_000 });
  await expect(spare).toHaveCount(0, { timeout: 10_000 });
  const left = (await call('GET', `/cloud/project/${project}/network/private`)).map((n: any) => n.name);
  expect(left).not.toContain('spare');
});

test('a 1-AZ Standard cluster on a subnet without a gateway, picked from the lists', async ({ page }) => {
  test.setTimeout(60_000);
  const network = await createNetwork('plain', 120, 'GRA11', ['10.120.0.0/24']);
  await startWizard(page, 'one-zone-private');
  await page.getByLabel('Private network', { exact: true }).selectOption({ label: 'plain (VLAN 120)' });
  await page.getByLabel('Nodes subnet').selectOption({ label: '10.120.0.0/24 — no gateway' });
  await expect(page.locator('#nodes-subnet-error')).toBeEmpty();
  await expect(page.getByText('This subnet has no gateway.')).toBeVisible();
  await page.getByRole('navigation', { name: 'Wizard steps' }).getByRole('link', { name: /Node pools/ }).click();
  await page.locator('#pool-0-flavor-b3-8').check();
  await page.getByRole('navigation', { name: 'Wizard steps' }).getByRole('link', { name: /Review/ }).click();
  await page.getByRole('button', { name: 'Create cluster' }).click();
  await expect(page).toHaveURL(/\/clusters\/[0-9a-f-]{36}\?project=default/, { timeout: 20_000 });
  const [made] = (await clusters()).filter((c) => c.name === 'one-zone-private');
  expect(made).toMatchObject({ region: 'GRA11', privateNetworkId: network.openstackId, nodesSubnetId: network.subnets[0] });
});

test("a service range overlapping the chosen subnet is refused at its field; nothing is created", async ({ page }) => {
  await createNetwork('overlapped', 130, 'GRA11', ['10.130.0.0/24']);
  await startWizard(page, 'overlapping-subnet');
  await page.getByLabel('Private network', { exact: true }).selectOption({ label: 'overlapped (VLAN 130)' });
  await page.getByLabel('Nodes subnet').selectOption({ label: '10.130.0.0/24 — no gateway' });
  await page.getByLabel('Choose the pod and service ranges').check();
  await page.getByLabel('Services range').fill('10.130.0.0/16');
  await expect(page.locator('#services-cidr-error')).toContainText('Overlaps the nodes subnet 10.130.0.0/24');
  await expect(page.getByLabel('Services range')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#nodes-subnet-error')).toContainText('services');
  await expect(page.getByRole('button', { name: /^Next/ })).toBeDisabled();
  await page.getByLabel('Services range').fill('10.3.0.0/16');
  await expect(page.locator('#services-cidr-error')).toBeEmpty();
  expect((await clusters()).map((c) => c.name)).not.toContain('overlapping-subnet');
});

test("the Network card moves the load balancers to another subnet, as the provider then reports", async ({ page }) => {
  test.setTimeout(60_000);
  const network = await createNetwork('balanced', 140, 'GRA11', ['10.140.0.0/24', '10.141.0.0/24']);
  const id = await createClusterOn('balanced', 'GRA11', 'standard', network.openstackId, network.subnets[0]);
  await waitUntilReady(id);
  await signIn(page, 'alice', `/clusters/${id}/settings?project=default`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await expect(page.getByTestId('network-name')).toContainText('balanced');
  await expect(page.getByTestId('nodes-subnet')).toContainText('10.140.0.0/24');
  await expect(page.getByTestId('lb-subnet')).toHaveText('The nodes subnet');
  await page.getByLabel('Load balancers on').selectOption({ label: `10.141.0.0/24 (${network.subnets[1]})` });
  await page.getByRole('button', { name: 'Change the load-balancer subnet…' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('REDEPLOYING');
  await page.getByRole('button', { name: 'Move the load balancers' }).click();
  await expect
    .poll(async () => (await call('GET', `/cloud/project/${project}/kube/${id}`)).loadBalancersSubnetId, { timeout: 20_000 })
    .toBe(network.subnets[1]);
  await expect(page.getByTestId('lb-subnet')).toContainText('10.141.0.0/24', { timeout: 20_000 });

  // Routing through an address of one's own is checked as typed.
  await page.getByLabel('Through a gateway address of my own').check();
  await page.getByLabel('Gateway address', { exact: true }).fill('10.9.0.1');
  await expect(page.locator('#vrack-gateway-error')).toContainText('outside the nodes subnet 10.140.0.0/24');
  await expect(page.getByRole('button', { name: 'Change the routing…' })).toBeDisabled();
});
