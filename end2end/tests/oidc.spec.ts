// The Access tab's single sign-on parts on the SSO console (its identity provider serves https):
// the cluster's OIDC configuration set from the console's identity provider after a discovery
// check, the per-user kubeconfig (kubectl signs in with it; nothing secret inside), and who may do what.
import { test, expect } from '../fixtures';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, createCluster, project, waitUntilReady } from '../emulator';
import { kubectlSigningIn } from '../kubectl';
import { signIn, sso } from '../sso';

test('alice points a cluster at the console\'s identity provider, then downloads her own kubeconfig', async ({ page, browser }) => {
  test.setTimeout(60_000);
  const id = await createCluster('sso-cluster');
  await waitUntilReady(id);
  const cluster = await call('GET', `/cloud/project/${project}/kube/${id}`);
  await signIn(page, 'alice', `/clusters/${id}/access?project=default`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await expect(page.getByText('Per-user kubeconfigs need the cluster to trust')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Download your kubeconfig' })).toHaveCount(0);
  await expect(page.getByTestId('oidc-current')).toContainText('None');

  // The model's rules as typed, then the issuer's discovery document before anything is queued.
  const issuer = page.getByLabel('Issuer URL');
  const save = page.getByRole('button', { name: 'Check the issuer and save' });
  await issuer.fill('http://login.example.com');
  await page.getByLabel('Client ID').fill('kubernetes');
  await expect(page.locator('#oidc-issuer-error')).toContainText('must start with https://');
  await expect(save).toBeDisabled();
  await issuer.fill(`${sso.idp}/realms/none`);
  await save.click();
  await expect(page.locator('#oidc-issuer-error')).toContainText('/realms/none is not an OpenID issuer');
  await expect(issuer).toHaveAttribute('aria-invalid', 'true');

  await page.getByRole('button', { name: "Use the console's identity provider" }).click();
  await expect(issuer).toHaveValue(sso.idp);
  await expect(page.getByLabel('Client ID')).toHaveValue('kubernetes');
  await expect(page.getByLabel('Username prefix')).toHaveValue('oidc:');
  await save.click();
  await expect(page.getByText('Change requested')).toBeVisible();
  await expect
    .poll(async () => (await call('GET', `/cloud/project/${project}/kube/${id}/openIdConnect`).catch(() => null))?.issuerUrl, {
      timeout: 20_000,
    })
    .toBe(sso.idp);
  const stored = await call('GET', `/cloud/project/${project}/kube/${id}/openIdConnect`);
  expect(stored).toMatchObject({ clientId: 'kubernetes', usernameClaim: 'preferred_username', usernamePrefix: 'oidc:' });

  await page.reload();
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await expect(page.getByTestId('oidc-current')).toContainText(`Tokens from ${sso.idp} for client kubernetes`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download your kubeconfig' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('sso-cluster-alice.yaml');
  const file = join(mkdtempSync(join(tmpdir(), 'kubeconfig-')), 'config.yaml');
  await download.saveAs(file);
  const view = execFileSync('kubectl', ['config', 'view', '--minify', '--raw', '--kubeconfig', file], { stdio: 'pipe' }).toString();
  expect(view).toContain(`tls-server-name: ${cluster.url}`);
  expect(view).toContain('certificate-authority-data: ');
  expect(view).toContain('apiVersion: client.authentication.k8s.io/v1');
  expect(view).toContain('interactiveMode: IfAvailable');
  expect(view).toContain('- oidc-login');
  expect(view).toContain(`- --oidc-issuer-url=${sso.idp}`);
  expect(view).toContain('- --oidc-client-id=kubernetes');
  const text = readFileSync(file, 'utf8');
  for (const secret of ['client-key-data', 'client-certificate-data', 'token:', 'password', 'BEGIN PRIVATE KEY']) {
    expect(text).not.toContain(secret);
  }

  // kubectl signs alice in at the identity provider (she already has a session there) and the
  // cluster's API server checks her ID token: she is herself, with her groups, and nothing more.
  const whoami = await kubectlSigningIn(page, file, 'auth', 'whoami');
  expect(whoami.ok, whoami.stderr).toBe(true);
  expect(whoami.page).toContain('Signed in');
  expect(whoami.stdout).toMatch(/Username\s+oidc:alice/);
  expect(whoami.stdout).toMatch(/Groups\s+\[oidc:pilothouse-admins system:authenticated\]/);
  const nodes = await kubectlSigningIn(page, file, 'get', 'nodes');
  expect(nodes.ok).toBe(false);
  expect(nodes.stderr).toContain('User "oidc:alice" cannot list resource "nodes"');

  await page.goto(`${sso.console}/activity?action=kubeconfig.download_user&cluster=${id}`);
  await expect(page.locator('table.list tbody tr')).toHaveCount(1);
  await expect(page.locator('table.list tbody tr').first()).toContainText('alice');
  await expect(page.locator('table.list tbody tr').first()).toContainText('succeeded');

  // An operator gets their own kubeconfig but cannot change the configuration.
  const bob = await browser.newPage();
  await signIn(bob, 'bob', `/clusters/${id}/access?project=default`);
  await expect(bob.getByRole('button', { name: 'Download your kubeconfig' })).toBeVisible();
  await expect(bob.getByText('Changing it needs the admin role.')).toBeVisible();
  await expect(bob.getByLabel('Issuer URL')).toHaveCount(0);
  for (const [fn, data] of [
    ['set_cluster_oidc', { project: 'default', cluster: id, config: { issuerUrl: 'https://evil.example', clientId: 'x' } }],
    ['remove_cluster_oidc', { project: 'default', cluster: id }],
  ] as const) {
    const forged = await bob.request.post(`${sso.console}/api/${fn}`, {
      ...(fn === 'set_cluster_oidc' ? { data } : { form: data as Record<string, string> }),
      headers: { Origin: sso.console },
    });
    expect(forged.status(), fn).toBe(403);
  }
  await bob.close();

  // Removing it asks first, then per-user kubeconfigs are no longer offered.
  await page.goto(`${sso.console}/clusters/${id}/access?project=default`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await page.getByRole('button', { name: 'Remove…' }).click();
  await expect(page.getByText('per-user kubeconfigs of this cluster stop working')).toBeVisible();
  await page.getByRole('button', { name: 'Remove it' }).click();
  await expect(page.getByText('Removal requested')).toBeVisible();
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.getByTestId('oidc-current').textContent();
      },
      { timeout: 20_000 },
    )
    .toContain('None');
  await expect(page.getByRole('button', { name: 'Download your kubeconfig' })).toHaveCount(0);
});
