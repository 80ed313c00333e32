// Automation on the SSO console: a personal API token made on its page, shown once, working as
// a bearer token at its role and refused once revoked; a cluster shown as Terraform and as a
// template on its Settings tab, and the wizard started from that template.
import { test, expect, follow } from '../fixtures';
import { call, project, waitUntilReady } from '../emulator';
import { signIn, sso } from '../sso';

async function asToken(secret: string, path: string) {
  return fetch(`${sso.console}${path}`, { headers: { Authorization: `Bearer ${secret}` } });
}

test('an API token is shown once, acts with its role and stops when revoked', async ({ page }) => {
  await signIn(page, 'bob', '/tokens');
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible();
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await expect(page.getByText('You have no token yet.')).toBeVisible();
  // Bob is an operator: no admin tokens on offer.
  await expect(page.getByLabel('Role').locator('option')).toHaveText(['Viewer', 'Operator']);
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.locator('#token-name-error')).toContainText('Give the token a name');
  await page.getByLabel('Name').fill('e2e-script');
  await page.getByLabel('Role').selectOption('viewer');
  await page.getByLabel('Expires after').selectOption('30');
  await page.getByRole('button', { name: 'Create token' }).click();
  const shown = page.getByTestId('new-token');
  await expect(shown).toContainText('it is not shown again');
  const secret = (await shown.locator('pre').textContent())!.trim();
  expect(secret).toMatch(/^pilothouse_[A-Za-z0-9_-]{43}$/);
  await expect(page.getByRole('row', { name: /e2e-script/ })).toContainText('Viewer');

  const projects = await asToken(secret, '/api/v1/projects');
  expect(projects.status).toBe(200);
  expect((await projects.json())[0]).toMatchObject({ id: 'default', role: 'viewer' });
  // Reloaded, the page lists the token with its last use and never its secret.
  await page.reload();
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await expect(page.getByRole('row', { name: /e2e-script/ })).toBeVisible();
  expect(await page.content()).not.toContain(secret);

  await page.getByRole('row', { name: /e2e-script/ }).getByRole('button', { name: 'Revoke…' }).click();
  await page.getByRole('button', { name: 'Revoke token' }).click();
  await expect(page.getByRole('row', { name: /e2e-script/ })).toContainText('revoked');
  const refused = await asToken(secret, '/api/v1/projects');
  expect(refused.status).toBe(401);
  expect((await refused.json()).message).toBe('This token was revoked.');
});

test('a cluster as Terraform and as a template, and the wizard started from the template', async ({ page }) => {
  test.setTimeout(60_000);
  // Standard: the project's Free quota is shared by every test on this console.
  const body = { name: 'as-code', region: 'GRA11', plan: 'standard', nodepools: [{ name: 'general', flavorName: 'b3-8', desiredNodes: 1 }] };
  const { id } = await call('POST', `/cloud/project/${project}/kube`, body);
  await waitUntilReady(id);
  await signIn(page, 'alice', `/clusters/${id}/settings?project=default`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  const card = page.locator('section.as-code');
  await expect(card.getByRole('link', { name: 'Export template' })).toHaveAttribute('download', 'as-code.json');
  await card.getByText('Show as Terraform').click();
  const terraform = card.getByTestId('terraform');
  await expect(terraform).toContainText('resource "ovh_cloud_project_kube" "as_code" {');
  await expect(terraform).toContainText('resource "ovh_cloud_project_kube_nodepool" "general" {');
  await expect(terraform).toContainText('flavor_name');
  const template = JSON.parse((await card.getByTestId('template').textContent())!);
  expect(template).toMatchObject({ name: 'as-code', region: 'GRA11', plan: 'standard' });
  // The download link answers the same template.
  const exported = await page.request.get(`${sso.console}/api/v1/projects/default/clusters/${id}/export`);
  expect(await exported.json()).toEqual(template);

  await page.goto(`${sso.console}/clusters/new/plan?project=default`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await page.getByText('Start from a template').click();
  await page.getByLabel(/A cluster's template/).fill('{"name": 1}');
  await page.getByRole('button', { name: 'Use this template' }).click();
  await expect(page.locator('#template-error')).toContainText('This is not a cluster template');
  await page.getByLabel(/A cluster's template/).fill(JSON.stringify({ ...template, name: 'from-template' }));
  await page.getByRole('button', { name: 'Use this template' }).click();
  await expect(page.getByText('The draft now holds the template')).toBeVisible();
  await expect(page.getByLabel('Cluster name')).toHaveValue('from-template');
  await follow(page, page.getByRole('link', { name: '6 Review' }));
  await page.getByText('Show as template').click();
  const again = JSON.parse((await page.getByTestId('template').textContent())!);
  expect(again).toEqual({ ...template, name: 'from-template' });
});
