// The Upgrades tab on the SSO console (emulator at 600× speed): a Free cluster upgrades its
// nodes in place, one at a time, and the page follows every node to the new version.
import { test, expect } from '../fixtures';
import { call, project, waitUntilReady } from '../emulator';
import { signIn } from '../sso';

test('upgrade a Free cluster: nodes upgrade one at a time and the page follows', async ({ page }) => {
  const body = { name: 'to-upgrade', region: 'GRA11', version: '1.34', nodepools: [{ name: 'workers', flavorName: 'b3-8', desiredNodes: 3 }] };
  const { id } = await call('POST', `/cloud/project/${project}/kube`, body);
  await waitUntilReady(id);
  await signIn(page, 'alice', `/clusters/${id}/upgrades?project=default`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await expect(page.getByText('upgrades nodes in place, strictly one at a time')).toBeVisible();
  await expect(page.getByTestId('upgrade-summary')).toHaveText('3 of 3 nodes up to date');
  await expect(page.getByTestId('preflight-passes')).toBeVisible();
  await page.getByRole('button', { name: 'Upgrade to Kubernetes 1.35' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('The pre-flight check found no problem');
  await page.getByRole('button', { name: 'Start the upgrade' }).click();
  await expect(page.getByText('Upgrade requested')).toBeVisible();

  // Watch the provider while the page follows: never more than one node redeploying at once.
  let most = 0;
  for (let i = 0; i < 150; i++) {
    const nodes: any[] = await call('GET', `/cloud/project/${project}/kube/${id}/node`);
    most = Math.max(most, nodes.filter((n) => n.status === 'REDEPLOYING').length);
    if (nodes.every((n) => n.version.startsWith('1.35') && n.isUpToDate)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(most).toBeLessThanOrEqual(1);
  await expect(page.getByTestId('running-version')).toHaveText(/^1\.35\./, { timeout: 30_000 });
  await expect(page.locator('tbody tr[data-node]')).toHaveCount(3);
  await expect(page.locator('tbody tr[data-node]').filter({ hasText: /1\.35\./ })).toHaveCount(3, { timeout: 30_000 });
});
