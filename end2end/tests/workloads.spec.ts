// Workloads inside an emulated cluster, put there with the real kubectl, as the console shows
// them: the upgrade pre-flight names the node and the pods that would find no room, then the
// disruption budget that would hold a drain up; with a third node it passes, and the upgrade
// (the emulator's clock slowed down so the page can follow) moves the pods from node to node in
// the Workloads tab. An operator sees only the namespaces the project shows operators.
import { test, expect } from '../fixtures';
import type { Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { adminKubeconfig, allowFreeClusters, call, project, setClockSpeed, waitUntilReady } from '../emulator';
import { kubectl } from '../kubectl';
import { signIn } from '../sso';

const HEAVY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: heavy
  namespace: default
spec:
  replicas: 2
  selector:
    matchLabels:
      app: heavy
  template:
    metadata:
      labels:
        app: heavy
    spec:
      containers:
        - name: heavy
          image: nginx:1.27
          resources:
            requests:
              cpu: 1200m
              memory: 256Mi
`;

const BUDGET = `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: heavy
  namespace: default
spec:
  maxUnavailable: 0
  selector:
    matchLabels:
      app: heavy
`;

function apply(kubeconfig: string, name: string, manifest: string) {
  const file = join(dirname(kubeconfig), name);
  writeFileSync(file, manifest);
  const run = kubectl(kubeconfig, 'apply', '-f', file);
  expect(run.ok, run.stderr).toBe(true);
}

// These clusters are Free, for the in-place upgrade: more than the run's other tests leave room for.
test.beforeAll(async () => {
  await allowFreeClusters(100);
});

/// The heavy pods each node section of the Workloads tab shows: pod name → node.
async function heavyPods(page: Page): Promise<Map<string, string>> {
  const sections = await page.locator('section.node-pods').evaluateAll((all) =>
    all.map((s) => ({
      node: (s as HTMLElement).dataset.node ?? '',
      pods: Array.from(s.querySelectorAll('tbody th')).map((th) => th.textContent ?? ''),
    })),
  );
  const found = new Map<string, string>();
  for (const { node, pods } of sections) for (const pod of pods.filter((p) => p.startsWith('heavy-'))) found.set(pod, node);
  return found;
}

test('the pre-flight reads the pods; with room, the upgrade moves them node by node in the Workloads tab', async ({ page }) => {
  test.setTimeout(150_000);
  const body = { name: 'busy', region: 'GRA11', version: '1.34', nodepools: [{ name: 'workers', flavorName: 'b3-8', desiredNodes: 2 }] };
  const { id } = await call('POST', `/cloud/project/${project}/kube`, body);
  await waitUntilReady(id);
  const kubeconfig = await adminKubeconfig(id);
  apply(kubeconfig, 'heavy.yaml', HEAVY);
  await expect.poll(() => kubectl(kubeconfig, 'get', 'pods', '-l', 'app=heavy', '--field-selector', 'status.phase=Running', '-o', 'name').stdout.trim().split('\n').filter(Boolean).length).toBe(2);

  // Two nodes of 1840 m, one 1200 m pod on each: neither can take the other's.
  await signIn(page, 'alice', `/clusters/${id}/upgrades?project=default`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  const issues = page.getByTestId('preflight-issues');
  await expect(issues).toContainText(/While workers-node-\w+ drains, default\/heavy-\S+ would fit on no other node and stay Pending \(0\/2 nodes are available: 1 Insufficient cpu/);
  await page.getByRole('button', { name: 'Upgrade to Kubernetes 1.35' }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText('found 2 problem(s)');
  await expect(dialog.getByRole('button', { name: 'Upgrade anyway' })).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);

  // A budget that allows no eviction is named.
  apply(kubeconfig, 'budget.yaml', BUDGET);
  await expect(async () => {
    await page.getByRole('button', { name: 'Check again' }).click();
    await expect(issues).toContainText('The disruption budget default/heavy allows no eviction of default/heavy-', { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });

  // A third node and no budget: every drain finds room.
  expect(kubectl(kubeconfig, 'delete', 'pdb', 'heavy').ok).toBe(true);
  const [pool] = await call('GET', `/cloud/project/${project}/kube/${id}/nodepool`);
  await call('PUT', `/cloud/project/${project}/kube/${id}/nodepool/${pool.id}`, { desiredNodes: 3 });
  await expect.poll(async () => (await call('GET', `/cloud/project/${project}/kube/${id}/node`)).filter((n: any) => n.status === 'READY').length, { timeout: 20_000 }).toBe(3);
  await expect(async () => {
    await page.getByRole('button', { name: 'Check again' }).click();
    await expect(page.getByTestId('preflight-passes')).toContainText('on 3 nodes', { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });

  // The upgrade at a pace the page can follow: each node drains, its pods go elsewhere.
  await setClockSpeed(0.1);
  try {
    await page.getByRole('button', { name: 'Upgrade to Kubernetes 1.35' }).click();
    await expect(dialog).toContainText('The pre-flight check found no problem');
    await dialog.getByRole('button', { name: 'Start the upgrade' }).click();
    await expect(page.getByText('Upgrade requested')).toBeVisible();
    await page.getByRole('navigation', { name: 'Cluster' }).getByRole('link', { name: 'Workloads' }).click();
    await expect(page.getByRole('heading', { name: /workers-node-/ }).first()).toBeVisible();
    const first = await heavyPods(page);
    const seen = new Map(first);
    let sawDraining = false;
    for (let i = 0; i < 90; i++) {
      const now = await heavyPods(page);
      for (const [pod, node] of now) seen.set(pod, node);
      sawDraining ||= (await page.getByText('no new pods (draining or cordoned)').count()) > 0;
      const nodes = await call('GET', `/cloud/project/${project}/kube/${id}/node`);
      if (nodes.every((n: any) => n.version.startsWith('1.35') && n.status === 'READY') && now.size === 2 && [...now.keys()].every((p) => !first.has(p))) break;
      await page.waitForTimeout(1_000);
    }
    expect(sawDraining, 'a node showed as draining').toBe(true);
    const now = await heavyPods(page);
    expect([...now.keys()].some((pod) => !first.has(pod)), 'the heavy pods were replaced on other nodes').toBe(true);
    expect(seen.size).toBeGreaterThan(2);
    await expect(page.locator('table[data-testid="pending-pods"]')).toHaveCount(0);
  } finally {
    await setClockSpeed(600);
  }
});

test('an operator sees only the namespaces the project shows operators', async ({ page }) => {
  const body = { name: 'scoped', region: 'GRA11', nodepools: [{ name: 'workers', flavorName: 'b3-8', desiredNodes: 1 }] };
  const { id } = await call('POST', `/cloud/project/${project}/kube`, body);
  await waitUntilReady(id);
  await signIn(page, 'bob', `/clusters/${id}/workloads?project=default`);
  await expect(page.getByTestId('workload-scope')).toContainText('Namespaces default; 3 more are not shown to your role.');
  const node = page.locator('section.node-pods').first();
  await expect(node).toContainText('pod(s) in namespaces you cannot see');
  await expect(node).not.toContainText('kube-system');
  await expect(page.getByText('No Deployment in the namespaces you can see.')).toBeVisible();
});
