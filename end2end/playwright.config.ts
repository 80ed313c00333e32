// Browser tests against a running Pilothouse, in Debian's Chromium (no browser is downloaded).
//
// With PILOTHOUSE_BIN set (scripts/test does it), Playwright starts that server binary on a free
// port with an empty data directory and stops it afterwards; otherwise the tests expect a console
// at PILOTHOUSE_E2E_URL (default http://127.0.0.1:3000), e.g. one started by `cargo leptos end-to-end`.
import { defineConfig } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// A second console signs in with the development identity provider (tests/sso.spec.ts).
import { sso } from './sso';
import { localAuthority } from './tls';

// The SSO console's identity provider serves https, as clusters' API servers need.
const tls = localAuthority();

const bin = process.env.PILOTHOUSE_BIN;
const port = process.env.PILOTHOUSE_E2E_PORT ?? '3917';
const baseURL = bin ? `http://127.0.0.1:${port}` : (process.env.PILOTHOUSE_E2E_URL ?? 'http://127.0.0.1:3000');
const site = process.env.PILOTHOUSE_SITE_ROOT ?? '../target/site';
const dataDir = () => mkdtempSync(join(tmpdir(), 'pilothouse-e2e-'));
// The SSO console has two projects on its emulator; alice is an admin of both, bob (an operator
// of the first) only a viewer of the second, vera a viewer of the first.
const ssoSettings = join(dataDir(), 'pilothouse.toml');
writeFileSync(
  ssoSettings,
  [
    '[[projects]]',
    'id = "default"',
    'name = "Emulator"',
    'endpoint = "emulator"',
    'operator_namespaces = ["default"]',
    '',
    '[[projects]]',
    'id = "team-b"',
    'name = "Team B"',
    'endpoint = "emulator"',
    'admin_groups = ["pilothouse-admins"]',
    'viewer_groups = ["pilothouse-operators"]',
    '',
  ].join('\n'),
);

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    baseURL,
    // The identity provider's certificate comes from the throw-away authority above.
    ignoreHTTPSErrors: true,
    browserName: 'chromium',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: bin
    ? [
        {
          command: bin,
          url: `${baseURL}/readyz`,
          reuseExistingServer: false,
          timeout: 60_000,
          stdout: 'pipe',
          stderr: 'pipe',
          env: {
            PILOTHOUSE_LISTEN: `127.0.0.1:${port}`,
            PILOTHOUSE_DATA_DIR: dataDir(),
            PILOTHOUSE_SITE_ROOT: site,
            PILOTHOUSE_LOG: 'warn',
            // The tests make clusters at the provider directly and look for them at once.
            PILOTHOUSE_CATALOG_VIEW_REFRESH_SECONDS: '1',
          },
        },
        {
          command: 'node idp/server.mjs',
          url: `${sso.idp}/.well-known/openid-configuration`,
          ignoreHTTPSErrors: true,
          reuseExistingServer: false,
          timeout: 30_000,
          stdout: 'pipe',
          stderr: 'pipe',
          env: { IDP_PORT: '5557', IDP_CONSOLE_URLS: sso.console, IDP_TLS_CERT: tls.cert, IDP_TLS_KEY: tls.key },
        },
        {
          command: bin,
          url: `${sso.console}/readyz`,
          reuseExistingServer: false,
          timeout: 60_000,
          stdout: 'pipe',
          stderr: 'pipe',
          env: {
            PILOTHOUSE_LISTEN: '127.0.0.1:3918',
            PILOTHOUSE_CONFIG: ssoSettings,
            PILOTHOUSE_DATA_DIR: dataDir(),
            PILOTHOUSE_SITE_ROOT: site,
            // SSO_LOG=debug shows this console's requests when a test needs looking into.
            PILOTHOUSE_LOG: process.env.SSO_LOG ?? 'warn',
            PILOTHOUSE_OIDC_ISSUER_URL: sso.idp,
            PILOTHOUSE_OIDC_CA_FILE: tls.ca,
            PILOTHOUSE_OIDC_CLIENT_SECRET: 'pilothouse-dev-secret',
            PILOTHOUSE_ROLE_ADMIN_GROUPS: 'pilothouse-admins',
            PILOTHOUSE_ROLE_OPERATOR_GROUPS: 'pilothouse-operators',
            PILOTHOUSE_ROLE_VIEWER_GROUPS: 'pilothouse-viewers',
            PILOTHOUSE_EMULATOR_LISTEN: '127.0.0.1:3919',
            PILOTHOUSE_EMULATOR_SPEED: '600',
            // Tests change clusters at the provider and reload: every page reads the list first.
            PILOTHOUSE_CATALOG_VIEW_REFRESH_SECONDS: '0',
            // The fleet and notifications see nodes and etcd of clusters no page has open.
            PILOTHOUSE_CATALOG_SWEEP_SECONDS: '3',
          },
        },
      ]
    : undefined,
});
