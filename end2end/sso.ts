// Addresses of the single-sign-on setup the browser tests start (see playwright.config.ts), and
// signing in through its identity provider.
import { expect, type Page } from '@playwright/test';

export const sso = {
  console: 'http://127.0.0.1:3918',
  idp: 'https://127.0.0.1:5557',
  emulator: 'http://127.0.0.1:3919',
};

/// Opens `wanted` on the SSO console and signs in as `user` (password `<user>-demo`).
export async function signIn(page: Page, user: string, wanted = '/clusters') {
  await page.goto(`${sso.console}${wanted}`);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(`${user}-demo`);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
