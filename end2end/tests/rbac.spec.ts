// Who can do what inside a cluster, on the SSO console's Access tab: the mapping form's checks,
// the default mapping from the console's roles applied as role bindings, what each user's own
// kubectl may then do (signing in at the identity provider), a binding deleted with kubectl shown
// as drift and restored, and the audit trail of both changes.
import { test, expect } from '../fixtures';
import type { Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminKubeconfig, call, project, waitUntilReady } from '../emulator';
import { kubectl, kubectlSigningIn } from '../kubectl';
import { signIn, sso } from '../sso';

const hydrated = (page: Page) => expect(page.locator('body[data-hydrated]')).toBeAttached();

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
`;

test('admins map groups to roles inside a cluster, kubectl follows, and drift is restored', async ({ page, browser }) => {
  test.setTimeout(240_000);
  // Standard: the Free plan's quota is shared by every test on this emulator.
  const body = { name: 'rbac-cluster', region: 'GRA11', plan: 'standard', nodepools: [{ name: 'general', flavorName: 'b3-8', desiredNodes: 1 }] };
  const { id } = await call('POST', `/cloud/project/${project}/kube`, body);
  await waitUntilReady(id);
  const dir = mkdtempSync(join(tmpdir(), 'rbac-'));
  const admin = await adminKubeconfig(id);
  const manifest = join(dir, 'web.yaml');
  writeFileSync(manifest, deployment);
  expect(kubectl(admin, 'apply', '-f', manifest).ok).toBe(true);
  const node = kubectl(admin, 'get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}').stdout;

  const access = `/clusters/${id}/access?project=default`;
  await signIn(page, 'alice', access);
  await hydrated(page);

  // The cluster trusts the console's identity provider, so per-user kubeconfigs sign in.
  await page.getByRole('button', { name: "Use the console's identity provider" }).click();
  await page.getByRole('button', { name: 'Check the issuer and save' }).click();
  await expect(page.getByText('Change requested').first()).toBeVisible();
  await expect
    .poll(async () => (await call('GET', `/cloud/project/${project}/kube/${id}/openIdConnect`).catch(() => null))?.issuerUrl, {
      timeout: 30_000,
    })
    .toBe(sso.idp);
  await waitUntilReady(id);

  await page.reload();
  await hydrated(page);
  const card = page.locator('section[aria-labelledby="in-cluster-title"]');
  await expect(card.getByTestId('access-mapping-empty')).toBeVisible();
  await expect(page.getByTestId('your-rights')).toContainText('No group has a role inside this cluster yet');

  // The form's checks, each at its field, before anything is sent.
  const apply = card.getByRole('button', { name: 'Apply to the cluster' });
  await card.getByRole('button', { name: 'Add a group' }).click();
  await card.locator('#access-group-0').fill('pilothouse-admins');
  await card.locator('#access-namespaces-0').fill('default, nowhere');
  await expect(card.locator('#access-namespaces-0-error')).toHaveText('There is no namespace "nowhere" in this cluster.');
  await card.getByRole('button', { name: 'Add a group' }).click();
  await card.locator('#access-group-1').fill('pilothouse-admins');
  await expect(card.locator('#access-group-1-error')).toContainText('pilothouse-admins is mapped already (row 1)');
  await expect(card.locator('#access-group-1')).toHaveAttribute('aria-invalid', 'true');
  await expect(apply).toBeDisabled();
  // The server holds to the same rules, and only admins may ask.
  const mapping = { groups: [{ group: 'x', role: 'view', namespaces: ['nowhere'] }] };
  const refused = await page.request.post(`${sso.console}/api/set_cluster_access_mapping`, {
    data: { project: 'default', cluster: id, mapping },
    headers: { Origin: sso.console },
  });
  expect(refused.status()).toBe(422);
  expect(await refused.text()).toContain('There is no namespace');

  // The default mapping: admins cluster-admin, operators edit, viewers view.
  await card.getByRole('button', { name: 'Use the default mapping' }).click();
  const rows = [
    ['pilothouse-admins', 'cluster-admin'],
    ['pilothouse-operators', 'edit'],
    ['pilothouse-viewers', 'view'],
  ];
  for (const [index, [group, role]] of rows.entries()) {
    await expect(card.locator(`#access-group-${index}`)).toHaveValue(group);
    await expect(card.locator(`#access-role-${index}`)).toHaveValue(role);
  }
  await apply.click();
  await expect(card.getByText('Change requested')).toBeVisible();
  const inSync = async () => {
    await page.reload();
    await hydrated(page);
    return page.getByTestId('access-in-sync').count();
  };
  await expect.poll(inSync, { timeout: 30_000 }).toBe(1);
  await expect(card.getByTestId('access-mapping')).toContainText('oidc:pilothouse-operators');
  await expect(page.getByTestId('your-rights')).toContainText('cluster-admin in the whole cluster');

  // Each user's own kubeconfig: kubectl signs them in, the API server's RBAC decides.
  const kubeconfigOf = async (p: Page, name: string) => {
    const [download] = await Promise.all([
      p.waitForEvent('download'),
      p.getByRole('button', { name: 'Download your kubeconfig' }).click(),
    ]);
    const file = join(dir, `${name}.yaml`);
    await download.saveAs(file);
    return file;
  };
  const alice = await kubeconfigOf(page, 'alice');
  const aliceList = await kubectlSigningIn(page, alice, 'auth', 'can-i', '--list');
  expect(aliceList.ok, aliceList.stderr).toBe(true);
  expect(aliceList.stdout).toMatch(/\n\*\.\*\s+\[\]\s+\[\]\s+\[\*\]/);
  expect((await kubectlSigningIn(page, alice, 'get', 'nodes')).ok).toBe(true);

  const bobPage = await browser.newPage();
  await signIn(bobPage, 'bob', access);
  await hydrated(bobPage);
  await expect(bobPage.getByTestId('your-rights')).toContainText('edit in the whole cluster');
  await expect(bobPage.getByText('Changing who can do what needs the admin role.')).toBeVisible();
  const bob = await kubeconfigOf(bobPage, 'bob');
  const pods = await kubectlSigningIn(bobPage, bob, 'get', 'pods', '-A');
  expect(pods.ok, pods.stderr).toBe(true);
  expect(pods.stdout).toContain('kube-system');
  const scaled = await kubectlSigningIn(bobPage, bob, 'scale', 'deployment', 'web', '--replicas=2');
  expect(scaled.ok, scaled.stderr).toBe(true);
  const deleteNode = await kubectlSigningIn(bobPage, bob, 'delete', 'node', node);
  expect(deleteNode.ok).toBe(false);
  expect(deleteNode.stderr).toContain(
    `nodes "${node}" is forbidden: User "oidc:bob" cannot delete resource "nodes" in API group "" at the cluster scope`,
  );
  const bobList = await kubectlSigningIn(bobPage, bob, 'auth', 'can-i', '--list');
  expect(bobList.stdout).toMatch(/\ndeployments\.apps\/scale\s+\[\]\s+\[\]\s+\[.*patch/);
  expect(bobList.stdout).not.toMatch(/\nnodes/);
  const forged = await bobPage.request.post(`${sso.console}/api/restore_cluster_access_mapping`, {
    form: { project: 'default', cluster: id },
    headers: { Origin: sso.console },
  });
  expect(forged.status()).toBe(403);
  await bobPage.close();

  const veraPage = await browser.newPage();
  await signIn(veraPage, 'vera', access);
  await hydrated(veraPage);
  const vera = await kubeconfigOf(veraPage, 'vera');
  expect((await kubectlSigningIn(veraPage, vera, 'get', 'pods', '-A')).ok).toBe(true);
  const veraScale = await kubectlSigningIn(veraPage, vera, 'scale', 'deployment', 'web', '--replicas=3');
  expect(veraScale.ok).toBe(false);
  expect(veraScale.stderr).toContain('User "oidc:vera" cannot patch resource "deployments/scale"');
  const veraList = await kubectlSigningIn(veraPage, vera, 'auth', 'can-i', '--list');
  expect(veraList.stdout).toMatch(/\npods\s+\[\]\s+\[\]\s+\[get list watch\]/);
  expect(veraList.stdout).not.toMatch(/\nsecrets/);
  await veraPage.close();

  // Carol is in no group: the console has nothing for her, and the cluster refuses her
  // everything (the file holds no secret, so alice's works for her sign-in too).
  const carolPage = await browser.newPage();
  await signIn(carolPage, 'carol', '/clusters');
  for (const args of [['get', 'pods'], ['get', 'nodes'], ['get', 'namespaces']]) {
    const run = await kubectlSigningIn(carolPage, alice, ...args);
    expect(run.ok).toBe(false);
    expect(run.stderr).toContain('is forbidden: User "oidc:carol"');
  }
  const carolList = await kubectlSigningIn(carolPage, alice, 'auth', 'can-i', '--list');
  expect(carolList.stdout).toContain('selfsubjectaccessreviews.authorization.k8s.io');
  expect(carolList.stdout).not.toMatch(/\npods/);
  await carolPage.close();

  // A binding deleted with kubectl shows as drift; "Restore" brings it back.
  const deleted = kubectl(admin, 'delete', 'clusterrolebinding', 'pilothouse:pilothouse-operators');
  expect(deleted.ok, deleted.stderr).toBe(true);
  // (kubectl's sign-ins left the page at kubelogin's finished loopback address.)
  await page.goto(`${sso.console}${access}`);
  await hydrated(page);
  const drift = page.getByTestId('access-drift');
  await expect(drift).toContainText(
    'ClusterRoleBinding pilothouse:pilothouse-operators (edit for oidc:pilothouse-operators) is missing from the cluster.',
  );
  await drift.getByRole('button', { name: 'Restore' }).click();
  await expect(drift.getByText('Change requested')).toBeVisible();
  await expect.poll(inSync, { timeout: 30_000 }).toBe(1);
  expect(kubectl(admin, 'get', 'clusterrolebinding', 'pilothouse:pilothouse-operators').ok).toBe(true);

  // The audit trail: alice's two changes, each requested then succeeded, and bob's refused one.
  await page.goto(`${sso.console}/activity?action=operation.set_cluster_access&cluster=${id}`);
  await hydrated(page);
  const trail = page.locator('table.list tbody tr');
  await expect(trail).toHaveCount(5);
  const alices = trail.filter({ hasText: 'alice' });
  await expect(alices.filter({ hasText: 'requested' })).toHaveCount(2);
  await expect(alices.filter({ hasText: 'succeeded' })).toHaveCount(2);
  await expect(trail.filter({ hasText: 'bob' }).filter({ hasText: 'denied' })).toHaveCount(1);
});
