// The cluster page's Access and Settings tabs on the SSO console: the admin kubeconfig (admins
// only, never cached, audited, accepted by kubectl), renaming, and deleting after typing the name.
import { test, expect } from '../fixtures';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, clusters, createCluster, project, waitUntilReady } from '../emulator';
import { signIn, sso } from '../sso';

test('alice downloads the admin kubeconfig; kubectl reads it; the download is in the Activity page', async ({ page }) => {
  const id = await createCluster('with-kubeconfig');
  await waitUntilReady(id);
  const cluster = await call('GET', `/cloud/project/${project}/kube/${id}`);
  await signIn(page, 'alice', `/clusters/${id}/access?project=default`);
  await expect(page.getByText('kubectl --kubeconfig with-kubeconfig.yaml get nodes')).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download the admin kubeconfig' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('with-kubeconfig.yaml');
  const file = join(mkdtempSync(join(tmpdir(), 'kubeconfig-')), 'config.yaml');
  await download.saveAs(file);
  const view = execFileSync('kubectl', ['config', 'view', '--minify', '--raw', '--kubeconfig', file]).toString();
  expect(view).toContain(`tls-server-name: ${cluster.url}`);
  expect(view).toContain('certificate-authority-data: ');

  const direct = await page.request.post(`${sso.console}/api/projects/default/clusters/${id}/kubeconfig`, {
    headers: { Origin: sso.console },
  });
  expect(direct.headers()['cache-control']).toBe('no-store');
  expect(direct.headers()['content-disposition']).toBe('attachment; filename="with-kubeconfig.yaml"');

  await page.goto(`${sso.console}/activity?action=kubeconfig.download&cluster=${id}`);
  const rows = page.locator('table.list tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText('alice');
  await expect(rows.first()).toContainText('with-kubeconfig');
  await expect(rows.first()).toContainText('succeeded');

  // The cluster's own Activity tab has the downloads and its operations' audit entries.
  await page.goto(`${sso.console}/clusters/${id}/activity?project=default`);
  await expect(page.getByRole('heading', { name: 'Audit trail' })).toBeVisible();
  await expect(page.locator('table.list tbody tr').filter({ hasText: 'kubeconfig.download' })).toHaveCount(2);
});

test('an operator gets no admin kubeconfig, in the page or by a forged request', async ({ page }) => {
  const id = await createCluster('no-kubeconfig');
  await signIn(page, 'bob', `/clusters/${id}/access?project=default`);
  await expect(page.getByText('Downloading or resetting the admin kubeconfig needs the admin role.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Download the admin kubeconfig' })).toHaveCount(0);
  const forged = await page.request.post(`${sso.console}/api/projects/default/clusters/${id}/kubeconfig`, {
    headers: { Origin: sso.console },
  });
  expect(forged.status()).toBe(403);
  expect(await forged.text()).not.toContain('client-certificate-data');
  const crossSite = await page.request.post(`${sso.console}/api/projects/default/clusters/${id}/kubeconfig`, {
    headers: { Origin: 'https://evil.example' },
  });
  expect(crossSite.status()).toBe(403);
});

test('rename a cluster, then delete it after typing its name', async ({ page }) => {
  const id = await createCluster('to-rename');
  await waitUntilReady(id);
  await signIn(page, 'alice', `/clusters/${id}/settings?project=default`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await page.getByLabel('Cluster name').fill('Bad Name');
  await expect(page.getByRole('button', { name: 'Rename' })).toBeDisabled();
  await page.getByLabel('Cluster name').fill('renamed');
  await page.getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByText('Rename requested.')).toBeVisible();
  await expect.poll(async () => (await clusters()).find((c) => c.id === id)?.name, { timeout: 20_000 }).toBe('renamed');

  await page.reload();
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await page.getByRole('button', { name: 'Delete…' }).click();
  const confirm = page.getByLabel(/to delete it and all its nodes/);
  await confirm.fill('to-rename');
  await expect(page.getByRole('button', { name: 'Delete cluster' })).toBeDisabled();
  await confirm.fill('renamed');
  await page.getByRole('button', { name: 'Delete cluster' }).click();
  await expect(page.getByText('Deletion requested.')).toBeVisible();
  await expect.poll(async () => (await clusters()).some((c) => c.id === id), { timeout: 30_000 }).toBe(false);
});

test('an admin edits the allow-list, warned before shutting herself out; an operator cannot', async ({ page, browser }) => {
  const id = await createCluster('allow-list');
  await waitUntilReady(id);
  await signIn(page, 'alice', `/clusters/${id}/access?project=default`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await expect(page.getByTestId('allow-list-current')).toHaveText('Every address can reach the API server.');
  const entries = page.getByLabel('Allowed addresses and ranges');
  const save = page.getByRole('button', { name: 'Save the allow-list' });
  await entries.fill('300.1.1.1');
  await expect(page.locator('#allow-list-error')).toContainText('Line 1');
  await expect(save).toBeDisabled();
  await entries.fill('203.0.113.0/24');
  await expect(page.getByText('does not include your address 127.0.0.1')).toBeVisible();
  await expect(save).toBeDisabled();
  await page.getByRole('button', { name: /Add my address/ }).click();
  await expect(page.getByText('does not include your address')).toHaveCount(0);
  await save.click();
  await expect(page.getByText('Change requested')).toBeVisible();
  await expect
    .poll(async () => call('GET', `/cloud/project/${project}/kube/${id}/ipRestrictions`), { timeout: 20_000 })
    .toEqual(['203.0.113.0/24', '127.0.0.1/32']);

  const bob = await browser.newPage();
  await signIn(bob, 'bob', `/clusters/${id}/access?project=default`);
  await expect(bob.getByText('Changing the allow-list needs the admin role.')).toBeVisible();
  await expect(bob.getByLabel('Allowed addresses and ranges')).toHaveCount(0);
  const forged = await bob.request.post(`${sso.console}/api/set_allow_list`, {
    data: { project: 'default', cluster: id, entries: [] },
    headers: { Origin: sso.console },
  });
  expect(forged.status()).toBe(403);
  expect(await call('GET', `/cloud/project/${project}/kube/${id}/ipRestrictions`)).toEqual(['203.0.113.0/24', '127.0.0.1/32']);
  await bob.close();
});
