import { test, expect } from '../fixtures';

// Every page hydrates under the console's Content-Security-Policy, and the browser reports no
// violation of it: the policy allows exactly the scripts, styles and connections pages use.
test('pages hydrate under the content security policy without a violation', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  for (const path of ['/clusters', '/clusters/new', '/activity', '/plans']) {
    const response = await page.goto(path);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await expect(page.locator('body[data-hydrated]')).toBeAttached();
  }
  // A live stream connects (connect-src) and the theme switcher still works (the hashed script).
  await page.goto('/clusters');
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  expect(violations).toEqual([]);
});
