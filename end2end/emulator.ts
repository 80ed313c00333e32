// The SSO console's emulator, called with the provider's own request signatures: to set up
// clusters made elsewhere and to check what the console really created.
import { expect } from '@playwright/test';
import { createHash } from 'node:crypto';
import { sso } from './sso';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const project = '0123456789abcdef0123456789abcdef';
export const credentials = {
  applicationKey: 'pilothouse-emulator',
  applicationSecret: 'pilothouse-emulator-secret',
  consumerKey: 'pilothouse-emulator-consumer',
};

/// One signed call; returns the parsed answer.
export async function call(method: string, path: string, payload?: unknown): Promise<any> {
  const response = await send(method, path, payload);
  expect(response.status, `${method} ${path}`).toBe(200);
  return response.json();
}

/// One signed call; returns the response whatever its status.
async function send(method: string, path: string, payload?: unknown): Promise<Response> {
  const url = `${sso.emulator}/1.0${path}`;
  const body = payload === undefined ? '' : JSON.stringify(payload);
  const timestamp = Math.floor(Date.now() / 1000).toString();
  const signed = [credentials.applicationSecret, credentials.consumerKey, method, url, body, timestamp].join('+');
  const response = await fetch(url, {
    method,
    body: payload === undefined ? undefined : body,
    headers: {
      'Content-Type': 'application/json',
      'X-Ovh-Application': credentials.applicationKey,
      'X-Ovh-Consumer': credentials.consumerKey,
      'X-Ovh-Timestamp': timestamp,
      'X-Ovh-Signature': '$1$' + createHash('sha1').update(signed).digest('hex'),
    },
  });
  return response;
}

/// Creates a one-pool Free cluster; returns its id.
export async function createCluster(name: string): Promise<string> {
  const body = { name, region: 'GRA11', nodepools: [{ name: 'general', flavorName: 'b3-8', desiredNodes: 1 }] };
  return (await call('POST', `/cloud/project/${project}/kube`, body)).id;
}

/// The project's clusters, each with its pools; a cluster whose deletion ends while they are
/// read is left out.
export async function clusters(): Promise<any[]> {
  const ids: string[] = await call('GET', `/cloud/project/${project}/kube`);
  const found = await Promise.all(
    ids.map(async (id) => {
      const [cluster, pools] = await Promise.all([
        send('GET', `/cloud/project/${project}/kube/${id}`),
        send('GET', `/cloud/project/${project}/kube/${id}/nodepool`),
      ]);
      if (cluster.status === 404 || pools.status === 404) return undefined;
      expect(cluster.status, `GET cluster ${id}`).toBe(200);
      expect(pools.status, `GET pools of ${id}`).toBe(200);
      return { ...(await cluster.json()), pools: await pools.json() };
    }),
  );
  return found.filter((cluster) => cluster !== undefined);
}

async function admin(path: string, body: unknown, method = 'PUT') {
  const response = await fetch(`${sso.emulator}/emulator${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, `${method} /emulator${path}`).toBe(200);
}

/// Breaks node `id`: NotReady until the provider heals it (10 minutes of the emulator's clock).
export async function breakNode(id: string) {
  await admin(`/nodes/${id}/break`, {}, 'POST');
}

/// Makes the provider refuse the calls matching each rule (`[]`: none).
export async function setFaults(faults: { pathContains: string; method?: string; status: number }[]) {
  await admin('/faults', faults.map((f) => ({ rate: 1, latencyMs: 0, ...f })));
}

/// Sets what cluster `id`'s etcd holds, in bytes.
export async function setEtcdUsage(id: string, bytes: number) {
  await admin(`/clusters/${id}/etcd-usage`, { bytes });
}

/// Runs the emulator's virtual clock `speed` times faster than real time from now on.
export async function setClockSpeed(speed: number) {
  await admin('/clock/speed', { speed });
}

/// Lets the project have `count` Free clusters (20 by default, shared by the whole run).
export async function allowFreeClusters(count: number) {
  await admin('/quota', { freeClusters: count });
}

/// Writes cluster `id`'s admin kubeconfig to a new file; its path.
export async function adminKubeconfig(id: string): Promise<string> {
  const { content } = await call('POST', `/cloud/project/${project}/kube/${id}/kubeconfig`);
  const file = join(mkdtempSync(join(tmpdir(), 'admin-')), 'admin.yaml');
  writeFileSync(file, content);
  return file;
}

/// Waits until the cluster `id` is READY at the provider.
export async function waitUntilReady(id: string) {
  for (let i = 0; i < 100; i++) {
    if ((await call('GET', `/cloud/project/${project}/kube/${id}`)).status === 'READY') return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`cluster ${id} never became READY`);
}

/// A private network in `region` with a subnet for each range of `cidrs` (DHCP from .10 to
/// .200), an active gateway on the first when `gateway`; its ids.
export async function createNetwork(
  name: string,
  vlanId: number,
  region: string,
  cidrs: string[],
  gateway = false,
): Promise<{ id: string; openstackId: string; subnets: string[] }> {
  const network = await call('POST', `/cloud/project/${project}/network/private`, { name, vlanId, regions: [region] });
  const subnets: string[] = [];
  for (const cidr of cidrs) {
    const base = cidr.split('/')[0].split('.').slice(0, 3).join('.');
    const body = { region, network: cidr, start: `${base}.10`, end: `${base}.200`, dhcp: true, noGateway: false };
    subnets.push((await call('POST', `/cloud/project/${project}/network/private/${network.id}/subnet`, body)).id);
  }
  const openstackId = network.regions[0].openstackId;
  if (gateway) {
    const path = `/cloud/project/${project}/region/${region}/network/${openstackId}/subnet/${subnets[0]}/gateway`;
    await call('POST', path, { name: `${name}-gw`, model: 's' });
  }
  return { id: network.id, openstackId, subnets };
}

/// Creates a one-pool cluster of `plan` in `region` on `network`'s subnet `subnet`; its id.
export async function createClusterOn(
  name: string,
  region: string,
  plan: 'free' | 'standard',
  network: string,
  subnet: string,
): Promise<string> {
  const zone = region === 'EU-WEST-PAR' ? { availabilityZones: ['eu-west-par-a'] } : {};
  const body = {
    name,
    region,
    plan,
    privateNetworkId: network,
    nodesSubnetId: subnet,
    nodepools: [{ name: 'general', flavorName: 'b3-8', desiredNodes: 1, ...zone }],
  };
  return (await call('POST', `/cloud/project/${project}/kube`, body)).id;
}
