// The emulated clusters answer the real kubectl with the admin kubeconfig from the console: nodes
// with their pool's labels and taints, the node pools, scaling done in the console, a kubeconfig
// reset (the old file is refused), and the API server's IP restrictions.
import { test, expect } from '../fixtures';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { call, project, waitUntilReady } from '../emulator';
import { kubectl } from '../kubectl';
import { signIn } from '../sso';

async function downloadAdminKubeconfig(page: Page, dir: string, name: string): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download the admin kubeconfig' }).click(),
  ]);
  const file = join(dir, name);
  await download.saveAs(file);
  return file;
}

function nodes(file: string): any[] {
  const run = kubectl(file, 'get', 'nodes', '-o', 'json');
  expect(run.ok, run.stderr).toBe(true);
  return JSON.parse(run.stdout).items;
}

test('kubectl lists the nodes and pools, follows scaling, and is refused after a reset or outside the allow-list', async ({ page }) => {
  test.setTimeout(90_000);
  const hydrated = () => expect(page.locator('body[data-hydrated]')).toBeAttached();
  const body = {
    name: 'kubectl-admin',
    region: 'GRA11',
    nodepools: [
      {
        name: 'workers',
        flavorName: 'b3-8',
        desiredNodes: 2,
        template: {
          metadata: { labels: { team: 'web' } },
          spec: { taints: [{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }], unschedulable: false },
        },
      },
    ],
  };
  const { id } = await call('POST', `/cloud/project/${project}/kube`, body);
  await waitUntilReady(id);
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-'));
  await signIn(page, 'alice', `/clusters/${id}/access?project=default`);
  await hydrated();
  const first = await downloadAdminKubeconfig(page, dir, 'first.yaml');

  await expect.poll(() => nodes(first).length, { timeout: 20_000 }).toBe(2);
  for (const node of nodes(first)) {
    expect(node.metadata.labels).toMatchObject({ nodepool: 'workers', team: 'web', 'node.kubernetes.io/instance-type': 'b3-8' });
    expect(node.spec.taints).toContainEqual({ key: 'dedicated', value: 'web', effect: 'NoSchedule' });
    expect(node.status.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
  }
  const table = kubectl(first, 'get', 'nodes', '-L', 'nodepool');
  expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+NODEPOOL/);
  expect(table.stdout.split('\n').filter((line) => /\sReady\s.*\sworkers$/.test(line))).toHaveLength(2);
  const pools = kubectl(first, 'get', 'nodepools');
  expect(pools.stdout).toMatch(/^NAME\s+FLAVOR\s+AUTOSCALED/);
  expect(pools.stdout).toMatch(/\nworkers\s+b3-8\s+false\s+false\s+false\s+2\s+2\s+2\s+2\s+0\s+100\s/);

  // Scaled in the console: the node list follows.
  await page.goto(page.url().replace('/access?', '/pools?'));
  await hydrated();
  const card = page.locator('section[data-pool="workers"]');
  await card.getByRole('button', { name: 'Edit…' }).click();
  await card.getByLabel('Nodes', { exact: true }).fill('3');
  await card.getByRole('button', { name: 'Save changes' }).click();
  await expect.poll(() => nodes(first).length, { timeout: 30_000 }).toBe(3);

  // A reset: the old file is refused, a new download works.
  await page.goto(page.url().replace('/pools?', '/access?'));
  await hydrated();
  await page.getByRole('button', { name: 'Reset the kubeconfig…' }).click();
  await page.getByRole('button', { name: 'Reset it' }).click();
  await expect.poll(() => kubectl(first, 'get', 'nodes').stderr, { timeout: 20_000 }).toContain('Unauthorized');
  await expect.poll(async () => (await call('GET', `/cloud/project/${project}/kube/${id}`)).status, { timeout: 20_000 }).toBe('READY');
  await page.reload();
  await hydrated();
  const second = await downloadAdminKubeconfig(page, dir, 'second.yaml');
  expect(nodes(second)).toHaveLength(3);

  // An allow-list without 127.0.0.1 (set at the provider: the console will not let an admin shut
  // herself out) refuses kubectl; clearing it in the console lets it in again.
  await call('PUT', `/cloud/project/${project}/kube/${id}/ipRestrictions`, { ips: ['203.0.113.0/24'] });
  const refused = kubectl(second, 'get', 'nodes');
  expect(refused.ok).toBe(false);
  expect(refused.stderr).toContain('IP restrictions');
  await expect.poll(async () => (await call('GET', `/cloud/project/${project}/kube/${id}`)).status, { timeout: 20_000 }).toBe('READY');
  await page.reload();
  await hydrated();
  await expect(page.getByLabel('Allowed addresses and ranges')).toHaveValue('203.0.113.0/24');
  await page.getByLabel('Allowed addresses and ranges').fill('');
  await page.getByRole('button', { name: 'Save the allow-list' }).click();
  await expect(page.getByText('Change requested')).toBeVisible();
  await expect.poll(() => kubectl(second, 'get', 'nodes').ok, { timeout: 20_000 }).toBe(true);
});
