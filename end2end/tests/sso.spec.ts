// Single sign-on with the development identity provider: who gets in, who may delete, sign-out.
import { test, expect } from '../fixtures';
import { call, createCluster, project, waitUntilReady } from '../emulator';
import { signIn, sso } from '../sso';

test('alice signs in, lands on the page she asked for and may delete', async ({ page }) => {
  await createCluster('for-alice');
  await signIn(page, 'alice', '/clusters');
  await expect(page).toHaveURL(`${sso.console}/clusters`);
  await expect(page.getByRole('heading', { name: 'Clusters' })).toBeVisible();
  await expect(page.getByTestId('user-name')).toHaveText('alice');
  const row = page.locator('tr[data-cluster="for-alice"]');
  await expect(row).toBeVisible();
  await expect(row.getByRole('button', { name: 'Delete…' })).toBeVisible();
});

test('bob sees no delete control and a forged delete is refused with 403', async ({ page }) => {
  const id = await createCluster('for-bob');
  await signIn(page, 'bob');
  const row = page.locator('tr[data-cluster="for-bob"]');
  await expect(row).toBeVisible();
  await expect(row.getByRole('button', { name: 'Delete…' })).toHaveCount(0);
  const forged = await page.request.post(`${sso.console}/api/delete_cluster`, {
    form: { project: 'default', cluster: id, confirm: 'for-bob' },
    headers: { Origin: sso.console },
  });
  expect(forged.status()).toBe(403);
  expect(await forged.text()).toContain('admin role');
});

test('carol, in no mapped group, gets the no-access page naming her groups', async ({ page }) => {
  await signIn(page, 'carol');
  await expect(page).toHaveURL(`${sso.console}/no-access`);
  await expect(page.getByRole('heading', { name: 'No access' })).toBeVisible();
  await expect(page.getByTestId('groups')).toHaveText('no groups');
});

test('signing out ends the identity provider session too', async ({ page }) => {
  await signIn(page, 'alice');
  await expect(page.getByTestId('user-name')).toHaveText('alice');
  await page.getByRole('button', { name: 'Sign out' }).click();
  // The identity provider asks to confirm its own sign-out.
  await page.locator('button[name="logout"][value="yes"]').click();
  await expect(page.getByRole('heading', { name: 'Signed out' })).toBeVisible();
  await page.getByRole('link', { name: 'Sign in again' }).click();
  await expect(page.getByLabel('Password')).toBeVisible();
});

test('the activity page lists sign-ins and exports them', async ({ page }) => {
  await signIn(page, 'alice', '/activity?action=session.sign_in&actor=alice');
  await expect(page.getByRole('heading', { name: 'Activity' })).toBeVisible();
  await expect(page.locator('table.list tbody tr').first()).toContainText('session.sign_in');
  const csv = await page.request.get(`${sso.console}/api/activity.csv?actor=alice`);
  expect(csv.headers()['content-disposition']).toContain('activity.csv');
  expect(await csv.text()).toContain('"alice"');
});

test('alice switches projects and searches the list as she types', async ({ page }) => {
  await createCluster('search-one');
  await createCluster('search-two');
  await signIn(page, 'alice');
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await page.getByLabel('Search').fill('search-one');
  await expect(page.locator('tr[data-cluster]')).toHaveCount(1);
  await expect(page.locator('tr[data-cluster="search-one"]')).toBeVisible();
  await page.getByLabel('Search').fill('');
  await page.getByLabel('Status').selectOption('notready');
  await expect(page.getByText('No cluster matches these filters.')).toBeVisible();

  const switcher = page.getByLabel('Project');
  await expect(switcher.locator('option')).toHaveText(['Emulator', 'Team B']);
  await switcher.selectOption('team-b');
  await expect(page).toHaveURL(`${sso.console}/clusters?project=team-b`);
  await expect(page.locator('.lead')).toContainText('Team B');
});

test('a cluster created elsewhere appears in the open list without a reload', async ({ page }) => {
  await signIn(page, 'alice');
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await expect(page.locator('tr[data-cluster="appears-live"]')).toHaveCount(0);
  await createCluster('appears-live');
  await expect(page.locator('tr[data-cluster="appears-live"]')).toBeVisible({ timeout: 20_000 });
});

test('a cluster deleted elsewhere is reported gone on its open page', async ({ page }) => {
  // The page's watch backs off while nothing changes: give it time to notice.
  test.setTimeout(60_000);
  const id = await createCluster('goes-away');
  await waitUntilReady(id);
  await signIn(page, 'alice', `/clusters/${id}`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await expect(page.getByText('This cluster no longer exists')).toHaveCount(0);
  await call('DELETE', `/cloud/project/${project}/kube/${id}`);
  await expect(page.getByText('This cluster no longer exists: it was deleted.')).toBeVisible({ timeout: 45_000 });
  await expect(page.getByRole('link', { name: 'Back to the clusters' })).toBeVisible();
});
