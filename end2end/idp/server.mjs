// The development identity provider: a real OpenID Connect provider (npm oidc-provider) with a
// login form and three demo users, for running the console with single sign-on on one machine
// and for the browser tests. Not for production: users and passwords are fixed, state is in memory.
//
//   node end2end/idp/server.mjs
//
// Settings (environment):
//   IDP_PORT           port on 127.0.0.1 (5556)
//   IDP_CLIENT_ID      the console's client id (pilothouse)
//   IDP_CLIENT_SECRET  its secret (pilothouse-dev-secret)
//   IDP_CONSOLE_URLS   the console URLs allowed to sign in, comma-separated (http://127.0.0.1:3000)
//   IDP_KUBECTL_CLIENT_ID
//                      the public client kubectl signs in with through kubelogin (kubernetes):
//                      PKCE, no secret, redirects to a loopback port as kubelogin listens on
//   IDP_TLS_CERT, IDP_TLS_KEY
//                      PEM files: serve https (the issuer becomes https://127.0.0.1:<port>),
//                      as Kubernetes API servers accept only https issuers
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import Provider from 'oidc-provider';

const port = Number(process.env.IDP_PORT ?? 5556);
const tls = process.env.IDP_TLS_CERT
  ? { cert: readFileSync(process.env.IDP_TLS_CERT), key: readFileSync(process.env.IDP_TLS_KEY) }
  : undefined;
const issuer = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
const clientId = process.env.IDP_CLIENT_ID ?? 'pilothouse';
const clientSecret = process.env.IDP_CLIENT_SECRET ?? 'pilothouse-dev-secret';
const kubectlClientId = process.env.IDP_KUBECTL_CLIENT_ID ?? 'kubernetes';
const consoles = (process.env.IDP_CONSOLE_URLS ?? 'http://127.0.0.1:3000')
  .split(',')
  .map((url) => url.trim().replace(/\/$/, ''))
  .filter(Boolean);

// The demo users: name, password, groups.
export const users = {
  alice: { password: 'alice-demo', name: 'Alice Admin', groups: ['pilothouse-admins'] },
  bob: { password: 'bob-demo', name: 'Bob Operator', groups: ['pilothouse-operators'] },
  vera: { password: 'vera-demo', name: 'Vera Viewer', groups: ['pilothouse-viewers'] },
  carol: { password: 'carol-demo', name: 'Carol Nogroup', groups: [] },
};

// A signing key made at each start: nothing signed by an earlier run stays valid.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' };

const configuration = {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: consoles.map((url) => `${url}/auth/callback`),
      post_logout_redirect_uris: consoles.map((url) => `${url}/auth/signed-out`),
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      client_id: kubectlClientId,
      application_type: 'native',
      // Loopback redirects of native clients match on any port (RFC 8252).
      redirect_uris: ['http://localhost:8000', 'http://127.0.0.1:8000'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    },
  ],
  jwks: { keys: [signingKey] },
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'email', 'groups', 'offline_access'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
    groups: ['groups'],
  },
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  cookies: {
    names: { session: 'idp_session', interaction: 'idp_interaction', resume: 'idp_resume', state: 'idp_state' },
    keys: [randomBytes(32).toString('hex')],
  },
  ttl: {
    AccessToken: 600,
    AuthorizationCode: 60,
    ClientCredentials: 600,
    IdToken: 3600,
    Interaction: 3600,
    Grant: 86400,
    RefreshToken: 86400,
    Session: 86400,
  },
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const user = users[id];
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          name: user.name,
          preferred_username: id,
          email: `${id}@example.com`,
          email_verified: true,
          groups: user.groups,
        };
      },
    };
  },
  // The console and kubectl are first-party clients: their grants are given without a consent screen.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email groups offline_access');
    await grant.save();
    return grant;
  },
};

const provider = new Provider(issuer, configuration);

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Development sign-in</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}label{display:block;margin:.75rem 0 .25rem}
input{width:100%;padding:.5rem;font:inherit;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1rem;font:inherit}.error{color:#b00020}</style>
</head><body><main>${body}</main></body></html>`;
}

function loginForm(uid, error) {
  return page('Sign in', `<h1>Sign in</h1>
<p>Development identity provider for Pilothouse.</p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`);
}

function consentForm(uid, client, account) {
  return page('Allow access', `<h1>Allow access</h1>
<p>${escape(client)} asks to sign you in${account ? ` as <strong>${escape(account)}</strong>` : ''} and to read your name, email address and groups.</p>
<form method="post" action="/interaction/${escape(uid)}/consent"><button type="submit" autofocus>Allow</button></form>`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return Object.fromEntries(new URLSearchParams(body));
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('unknown interaction');
  if (action === undefined && req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    // Native clients (kubectl) are always asked for consent, as oidc-provider requires.
    if (details.prompt.name === 'consent') return res.end(consentForm(uid, details.params.client_id, details.session?.accountId));
    return res.end(loginForm(uid));
  }
  if (action === 'consent' && req.method === 'POST' && details.prompt.name === 'consent') {
    const missing = details.prompt.details;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  if (action === 'login' && req.method === 'POST') {
    const { username, password } = await readForm(req);
    const user = users[username];
    if (!user || user.password !== password) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return res.end(loginForm(uid, 'Wrong username or password.'));
    }
    return provider.interactionFinished(req, res, { login: { accountId: username } }, { mergeWithLastSubmission: false });
  }
  res.writeHead(405);
  res.end();
}

const handle = provider.callback();
const serve = async (req, res) => {
  const match = /^\/interaction\/([^/?]+)(?:\/(login|consent))?/.exec(req.url);
  if (!match) return handle(req, res);
  try {
    await interaction(req, res, match[1], match[2]);
  } catch (error) {
    res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page('Sign-in expired', `<h1>Sign-in expired</h1><p>${escape(error.message)}</p><p>Go back to the console and sign in again.</p>`));
  }
};
(tls ? https.createServer(tls, serve) : http.createServer(serve)).listen(port, '127.0.0.1', () => {
  console.log(`development identity provider: ${issuer} (clients ${clientId}, ${kubectlClientId}; users: ${Object.keys(users).join(', ')})`);
});
