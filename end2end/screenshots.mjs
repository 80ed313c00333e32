// Screenshots of the create-cluster wizard's six steps, of the new cluster's page (overview,
// new pool, workloads, upgrades, access, settings) and of the network page, wide and narrow, for the README. Run by
// scripts/screenshots against a console in local mode.
import { chromium } from '@playwright/test';

const base = process.env.PILOTHOUSE_URL;
const out = process.env.SCREENSHOTS_DIR;
const sizes = { wide: { width: 1280, height: 900 }, narrow: { width: 390, height: 844 } };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
for (const [size, viewport] of Object.entries(sizes)) {
  const page = await browser.newPage({ viewport });
  const shot = (name) => page.screenshot({ path: `${out}/${name}-${size}.png`, fullPage: true });
  const next = () => page.getByRole('link', { name: /^Next/ }).click();
  await page.goto(`${base}/clusters/new/plan`);
  await page.waitForSelector('body[data-hydrated]');
  await page.getByLabel('Cluster name').fill(`payments-${size}`);
  await page.getByLabel('Standard').check();
  await shot('wizard-1-plan');
  await next();
  await page.locator('label[for="region-EU-WEST-PAR"]').click();
  await shot('wizard-2-location');
  await next();
  await shot('wizard-3-version');
  await next();
  await page.getByLabel('Private network (vRack)').check();
  const vlan = size === 'wide' ? '201' : '202';
  await page.getByRole('button', { name: 'Create a network in EU-WEST-PAR' }).click();
  await page.getByLabel('Name', { exact: true }).fill(`payments-${size}`);
  await page.getByLabel('VLAN id').fill(vlan);
  await page.getByLabel('Subnet range').fill(`10.${vlan}.0.0/24`);
  await page.getByLabel('Add a managed gateway on the subnet').check();
  await page.getByRole('button', { name: 'Create the network' }).click();
  await page.locator('li.operation [data-testid="operation-state"]').filter({ hasText: 'Done' }).waitFor({ timeout: 60_000 });
  await page.getByLabel('Private network', { exact: true }).selectOption({ label: `payments-${size} (VLAN ${vlan})` });
  await page.getByLabel('Nodes subnet').selectOption({ label: `10.${vlan}.0.0/24 — gateway active` });
  await shot('wizard-4-network');
  await next();
  await page.locator('#pool-0-flavor-b3-16').check();
  await page.getByLabel('Zone').selectOption('eu-west-par-a');
  await page.getByRole('button', { name: 'Add a node pool' }).click();
  const second = page.locator('fieldset[data-pool="1"]');
  await second.getByLabel('Pool name').fill('batch');
  await second.locator('#pool-1-flavor-b3-32').check();
  await second.getByLabel('Autoscale between a minimum and a maximum').check();
  await second.getByLabel('Nodes', { exact: true }).fill('1');
  await second.getByLabel('Minimum nodes').fill('1');
  await second.getByLabel('Maximum nodes').fill('3');
  await second.getByLabel('Zone').selectOption('eu-west-par-b');
  await shot('wizard-5-pools');
  await next();
  await page.getByText('Show as API request').click();
  await page.getByTestId('request-body').waitFor();
  await shot('wizard-6-review');
  await page.getByRole('button', { name: 'Create cluster' }).click();
  await page.waitForURL(/\/clusters\/[0-9a-f-]{36}/);
  await page.getByTestId('cluster-status').filter({ hasText: 'READY' }).waitFor({ timeout: 60_000 });
  await page.getByTestId('nodes').filter({ hasText: /^[1-9]/ }).waitFor({ timeout: 60_000 });
  await shot('cluster-overview');
  const cluster = page.url().split('?')[0];
  await page.goto(`${cluster}/pools?project=default`);
  await page.waitForSelector('body[data-hydrated]');
  await page.getByRole('button', { name: 'Add a node pool' }).click();
  await page.locator('#pool-0-flavor-b3-8').waitFor();
  await shot('cluster-new-pool');
  await page.goto(`${cluster}/workloads?project=default`);
  await page.waitForSelector('body[data-hydrated]');
  await page.locator('section.node-pods').first().waitFor();
  await shot('cluster-workloads');
  await page.goto(`${cluster}/upgrades?project=default`);
  await page.waitForSelector('body[data-hydrated]');
  await page.getByTestId('preflight-passes').waitFor({ timeout: 30_000 });
  await shot('cluster-upgrades');
  await page.goto(`${cluster}/access?project=default`);
  await page.waitForSelector('body[data-hydrated]');
  await shot('cluster-access');
  await page.goto(`${cluster}/settings?project=default`);
  await page.waitForSelector('body[data-hydrated]');
  await page.getByTestId('network-name').waitFor();
  await shot('cluster-settings');
  await page.goto(`${base}/networks?project=default`);
  await page.waitForSelector('body[data-hydrated]');
  await shot('networks');
  await page.close();
}
await browser.close();
