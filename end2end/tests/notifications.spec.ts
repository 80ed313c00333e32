// Notifications on the SSO console: the subscription form's checks, a webhook subscription whose
// signing key is shown once, "Send test" reaching a receiver on this machine (signed as the
// README says) and the delivery log; the bell counting the inbox; an operator sees no form.
import { test, expect } from '../fixtures';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { call, project } from '../emulator';
import { signIn, sso } from '../sso';

/// A receiver on a loopback port that answers 200 and keeps what it was sent.
async function receiver() {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => server.close() };
}

test('a webhook subscription: checked, its key shown once, a signed test delivered and logged', async ({ page }) => {
  test.setTimeout(60_000);
  const hook = await receiver();
  try {
    await signIn(page, 'alice', '/clusters');
    await expect(page.locator('body[data-hydrated]')).toBeAttached();
    await page.getByTestId('bell').click();
    await expect(page).toHaveURL(`${sso.console}/notifications`);
    await expect(page.getByRole('heading', { name: 'Notifications', level: 1 })).toBeVisible();
    await expect(page.locator('body[data-hydrated]')).toBeAttached();

    const section = page.locator('section.project-subscriptions[data-project="default"]');
    const form = section.locator('form.subscription-form');
    await form.getByRole('button', { name: 'Add subscription' }).click();
    await expect(form.locator('#sub-default-name-error')).toContainText('Give the subscription a name');
    await expect(form.locator('#sub-default-url-error')).toContainText('Enter the address');
    await form.getByLabel('Name').fill('e2e-hook');
    await form.getByLabel('Webhook address').fill('http://hooks.example.com/x');
    await form.getByLabel('An operation failed').uncheck();
    await form.getByLabel('End of life within (days)').fill('0');
    await form.getByRole('button', { name: 'Add subscription' }).click();
    await expect(form.locator('#sub-default-url-error')).toContainText('Use https://');
    await expect(form.locator('#sub-default-events-error')).toContainText('Choose at least one event');
    await expect(form.locator('#sub-default-days-error')).toContainText('Between 1 and 365 days');
    await expect(form.locator('#sub-default-name-error')).toBeEmpty();

    await form.getByLabel('Webhook address').fill(hook.url);
    await form.getByLabel('An operation failed').check();
    await form.getByLabel('A cluster was deleted').check();
    await form.getByLabel('End of life within (days)').fill('30');
    await form.getByRole('button', { name: 'Add subscription' }).click();
    const shown = page.getByTestId('new-subscription');
    await expect(shown).toContainText('it is not shown again');
    const key = (await shown.locator('pre').textContent())!.trim();
    expect(key).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const card = section.locator('article.subscription[data-subscription="e2e-hook"]');
    // The address's path may be a secret (Slack, Teams): only its scheme and host are shown.
    await expect(card).toContainText(`JSON (signed) to ${new URL(hook.url).origin}/…`);
    await expect(card).not.toContainText('/hook');
    await expect(card).toContainText(`signing key …${key.slice(-4)}`);

    // The same name twice is refused at the field.
    await form.getByLabel('Name').fill('e2e-hook');
    await form.getByRole('button', { name: 'Add subscription' }).click();
    await expect(form.locator('#sub-default-name-error')).toContainText('already has a subscription named e2e-hook');

    await card.getByRole('button', { name: 'Send test' }).click();
    await expect.poll(() => hook.received.length, { timeout: 15_000 }).toBe(1);
    const { headers, body } = hook.received[0];
    expect(headers['pilothouse-event']).toBe('test');
    const signed = `${headers['pilothouse-timestamp']}.${body}`;
    expect(headers['pilothouse-signature']).toBe(`v1=${createHmac('sha256', key).update(signed).digest('hex')}`);
    expect(JSON.parse(body)).toMatchObject({ event: 'test', projectId: 'default', id: headers['pilothouse-delivery'] });

    // Reloaded: the key is not in the page; the log shows the delivery.
    await expect(async () => {
      await page.reload();
      await expect(page.locator('body[data-hydrated]')).toBeAttached();
      const log = page.locator('article.subscription[data-subscription="e2e-hook"] details.deliveries');
      await log.locator('summary').click();
      await expect(log.locator('tr[data-state="delivered"]')).toHaveCount(1, { timeout: 1_000 });
      await expect(log).toContainText(String(headers['pilothouse-delivery']));
    }).toPass({ timeout: 15_000 });
    expect(await page.content()).not.toContain(key);

    // Deleting asks first.
    const again = page.locator('article.subscription[data-subscription="e2e-hook"]');
    await again.getByRole('button', { name: 'Delete…' }).click();
    await again.getByRole('button', { name: 'Delete subscription' }).click();
    await expect(page.locator('article.subscription[data-subscription="e2e-hook"]')).toHaveCount(0);
    await page.goto(`${sso.console}/activity`);
    await expect(page.locator('body[data-hydrated]')).toBeAttached();
    await expect(page.getByText('subscription.delete').first()).toBeVisible();
  } finally {
    hook.close();
  }
});

test('the bell counts the inbox until it is read', async ({ page }) => {
  test.setTimeout(60_000);
  // A cluster on a version past its end of life: the inbox says so.
  const body = { name: 'bell-old', region: 'GRA11', plan: 'standard', version: '1.31', nodepools: [{ name: 'general', flavorName: 'b3-8', desiredNodes: 1 }] };
  await call('POST', `/cloud/project/${project}/kube`, body);
  await signIn(page, 'alice', '/notifications');
  await expect(async () => {
    await page.reload();
    await expect(page.locator('body[data-hydrated]')).toBeAttached();
    await expect(page.getByTestId('inbox').locator('li[data-event="end-of-life"]').first()).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  const mark = page.getByRole('button', { name: 'Mark all as read' });
  if (await mark.isVisible()) {
    await expect(page.getByTestId('bell')).toHaveAttribute('aria-label', /\d+ unread/);
    await mark.click();
    await expect(mark).toHaveCount(0);
  }
  await page.reload();
  await expect(page.getByTestId('bell')).toHaveAttribute('aria-label', 'Notifications: none unread');
  await expect(page.getByTestId('inbox').locator('li.unread')).toHaveCount(0);
});

test('an operator sees the subscriptions but cannot add one', async ({ page }) => {
  await signIn(page, 'bob', '/notifications');
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  const section = page.locator('section.project-subscriptions[data-project="default"]');
  await expect(section).toBeVisible();
  await expect(section.locator('form.subscription-form')).toHaveCount(0);
});
