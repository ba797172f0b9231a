// A real, independent OpenID Provider (panva/oidc-provider) on loopback for Janua's end-to-end
// tests of its OpenID Connect Relying Party. Driven from Rust by `janua_testkit::oidc_provider`.
//
// Config: env OIDC_CONFIG = {"clients":[{client_id, client_secret, redirect_uris,
// token_endpoint_auth_method}]}, and more clients with POST /admin/clients. Listens on
// 127.0.0.1 port 0 and prints `LISTENING <port>`.
//
// There is no UI: the login and consent interactions finish at once for the account set with
// POST /admin/account (or with access_denied when none is set). The /admin/* routes are plain
// JSON and live in front of the provider's own routes.

import http from 'node:http';
import { randomUUID, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';
import { generateKeyPair, exportJWK, importJWK, SignJWT, decodeJwt } from 'jose';

const config = JSON.parse(process.env.OIDC_CONFIG || '{"clients":[]}');

// All state the tests control. Grants, codes, sessions and interactions live in
// oidc-provider's memory adapter, whose storage is module-wide: they survive a Provider
// rebuilt for a key rotation.
const state = {
  issuer: '',
  // The signing keys as private JWKs, newest first: oidc-provider signs with the first.
  keys: [],
  accounts: new Map(),
  current: null,
  options: {},
  requests: [],
  provider: null,
  callback: null,
  // Registered at start (OIDC_CONFIG) or later (POST /admin/clients), once the Relying
  // Party knows its redirect URI.
  clients: config.clients || [],
};
const cookieKeys = [randomBytes(32).toString('hex')];

async function newSigningKey() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

const CLAIMS = ['sub', 'email', 'email_verified', 'name', 'given_name', 'family_name', 'groups'];

function accountClaims(account) {
  const out = {};
  for (const claim of CLAIMS) {
    if (account[claim] !== undefined && account[claim] !== null) out[claim] = account[claim];
  }
  if (Array.isArray(out.groups) && out.groups.length === 0) delete out.groups;
  return out;
}

function buildProvider() {
  const clients = state.clients.map((c) => ({
    client_id: c.client_id,
    client_secret: c.client_secret,
    redirect_uris: c.redirect_uris,
    token_endpoint_auth_method: c.token_endpoint_auth_method || 'client_secret_basic',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    id_token_signed_response_alg: 'RS256',
  }));
  const provider = new Provider(state.issuer, {
    clients,
    jwks: { keys: state.keys },
    cookies: { keys: cookieKeys },
    responseTypes: ['code'],
    scopes: ['openid', 'email', 'profile'],
    claims: {
      // `groups` rides on `openid`: it is in every ID token of an account that has groups.
      openid: ['sub', 'groups'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    // conformIdTokenClaims stays at its default (true): in the code flow, claims requested by
    // scope (email, email_verified, profile, groups) come only from the UserInfo endpoint
    // (OpenID Connect Core 5.4), so a Relying Party must read both.
    // PKCE on every authorization request (RFC 9700 2.1.1); oidc-provider only knows S256.
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const account = state.accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => accountClaims(account) };
    },
    async renderError(ctx, out) {
      ctx.type = 'json';
      ctx.body = out;
    },
  });
  provider.on('server_error', (_ctx, err) => console.error('oidc-provider server_error:', err));
  // Refusal tests: rewrite the ID token of a token response and sign it again.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route === 'token' && ctx.status === 200 && ctx.body?.id_token) {
      ctx.body.id_token = await tamperIdToken(ctx.body.id_token);
    }
  });
  return provider;
}

function installProvider() {
  state.provider = buildProvider();
  state.callback = state.provider.callback();
}

async function tamperIdToken(idToken) {
  const o = state.options;
  const overridden = ['id_token_audience_override', 'issuer_override', 'nonce_override', 'expired_id_token', 'foreign_signature']
    .some((k) => o[k] !== undefined && o[k] !== null && o[k] !== false);
  if (!overridden) return idToken;
  const claims = decodeJwt(idToken);
  if (o.id_token_audience_override != null) claims.aud = o.id_token_audience_override;
  if (o.issuer_override != null) claims.iss = o.issuer_override;
  if (o.nonce_override != null) claims.nonce = o.nonce_override;
  if (o.expired_id_token) {
    const now = Math.floor(Date.now() / 1000);
    claims.iat = now - 7200;
    claims.exp = now - 3600;
  }
  const published = state.keys[0];
  // A key the JWKS never published, under the published kid: the signature cannot verify.
  const signer = o.foreign_signature ? await newSigningKey() : published;
  const key = await importJWK(signer, 'RS256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: published.kid }).sign(key);
}

// The interaction (login, then consent) completes at once: no UI.
async function interaction(req, res) {
  const provider = state.provider;
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session } = details;
  const account = state.current;
  if (!account) {
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'no account is signed in at the test provider' },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  if (prompt.name === 'login') {
    await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
    return;
  }
  if (prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    if (missing.missingResourceScopes) {
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes)) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }
  await provider.interactionFinished(
    req,
    res,
    { error: 'access_denied', error_description: `unsupported prompt ${prompt.name}` },
    { mergeWithLastSubmission: false },
  );
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text.trim() ? JSON.parse(text) : {});
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
  });
}

function sendJson(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function admin(req, res, path) {
  if (req.method === 'POST' && path === '/admin/account') {
    const account = await readJson(req);
    if (typeof account.sub !== 'string' || !account.sub) return sendJson(res, 400, { error: 'sub is required' });
    state.accounts.set(account.sub, account);
    state.current = account;
    return sendJson(res, 200, { ok: true });
  }
  if (req.method === 'DELETE' && path === '/admin/account') {
    state.current = null;
    return sendJson(res, 200, { ok: true });
  }
  if (req.method === 'POST' && path === '/admin/rotate-keys') {
    const body = await readJson(req);
    const fresh = await newSigningKey();
    state.keys = body.keep_old ? [fresh, ...state.keys] : [fresh];
    installProvider();
    return sendJson(res, 200, { kid: fresh.kid, kids: state.keys.map((k) => k.kid) });
  }
  if (req.method === 'POST' && path === '/admin/clients') {
    const client = await readJson(req);
    if (typeof client.client_id !== 'string' || !Array.isArray(client.redirect_uris)) {
      return sendJson(res, 400, { error: 'client_id and redirect_uris are required' });
    }
    state.clients = [...state.clients.filter((c) => c.client_id !== client.client_id), client];
    installProvider();
    return sendJson(res, 200, { ok: true });
  }
  if (req.method === 'POST' && path === '/admin/options') {
    state.options = await readJson(req);
    return sendJson(res, 200, { ok: true });
  }
  if (req.method === 'GET' && path === '/admin/requests') {
    return sendJson(res, 200, state.requests);
  }
  return sendJson(res, 404, { error: 'no such admin route' });
}

async function handle(req, res) {
  const url = new URL(req.url, state.issuer);
  if (url.pathname.startsWith('/admin/')) return admin(req, res, url.pathname);
  if (url.pathname.startsWith('/interaction/')) return interaction(req, res);
  // The authorization endpoint itself (not its `/auth/<uid>` resumption).
  if (url.pathname === '/auth' && req.method === 'GET') {
    state.requests.push(Object.fromEntries(url.searchParams));
  }
  return state.callback(req, res);
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    console.error('test provider error:', err);
    if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: String(err?.message ?? err) });
    else res.end();
  });
});

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  state.issuer = `http://127.0.0.1:${port}`;
  state.keys = [await newSigningKey()];
  installProvider();
  process.stdout.write(`LISTENING ${port}\n`);
});

// Ends with the test process that spawned it (stdin is a pipe closed on drop).
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
