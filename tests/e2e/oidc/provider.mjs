// A real OpenID Connect provider (panva/oidc-provider) for the dashboards' login test.
//
//   OIDC_PORT=9000 OIDC_CLIENT_ID=alicerce OIDC_CLIENT_SECRET=... \
//   OIDC_REDIRECT_URI=http://127.0.0.1:8501/oauth2callback \
//   OIDC_ACCOUNTS='[{"sub":"c101","email":"c@x.local","email_verified":true,"name":"C"}]' \
//   node provider.mjs
//
// Issuer http://127.0.0.1:<port>. Prints "ready <issuer>" once listening. Test-only: accounts and
// sessions live in memory. An account may carry a "password"; without one, any non-empty
// password signs it in. Unknown e-mails are refused.
import { createServer } from 'node:http';

import Provider, { interactionPolicy } from 'oidc-provider';

function env(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`provider.mjs: ${name} is required`);
    process.exit(2);
  }
  return value;
}

const port = Number(env('OIDC_PORT'));
const redirectUri = env('OIDC_REDIRECT_URI');
const accounts = JSON.parse(env('OIDC_ACCOUNTS'));
const issuer = `http://127.0.0.1:${port}`;

// Streamlit asks prompt=select_account by default, which oidc-provider refuses unless a prompt
// of that name is in the policy: here it shows the sign-in form, like a fresh login.
const policy = interactionPolicy.base();
policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }), 0);

const provider = new Provider(issuer, {
  clients: [{
    client_id: env('OIDC_CLIENT_ID'),
    client_secret: env('OIDC_CLIENT_SECRET'),
    // A confidential web client on a loopback http redirect: allowed for the code flow.
    redirect_uris: [redirectUri],
    // Streamlit's st.logout() sends its redirect_uri as post_logout_redirect_uri.
    post_logout_redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  // Streamlit (Authlib) sends an S256 code challenge when the metadata offers it: require it.
  pkce: { methods: ['S256'], required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // Put the scope's claims in the ID token too: Streamlit's st.user is the ID token's claims.
  conformIdTokenClaims: false,
  async findAccount(_ctx, sub) {
    const account = accounts.find((a) => a.sub === sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      claims: () => ({
        sub, email: account.email, email_verified: account.email_verified, name: account.name,
      }),
    };
  },
  // First-party client: no consent screen, every requested scope granted.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  interactions: { policy, url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false }, // takes any login without a password: ours is below
    rpInitiatedLogout: {
      // Sign the user out of the provider too, without the "Do you want to sign-out?" page.
      logoutSource(ctx, form) {
        ctx.body = `<!DOCTYPE html><title>Saindo</title>${form.replace(
          '</form>', '<input type="hidden" name="logout" value="yes"/></form>',
        )}<script>document.forms[0].submit()</script>`;
      },
    },
  },
  cookies: { keys: ['alicerce-e2e-only-not-a-secret'] },
  // Lifetimes in seconds (set, so the provider does not warn about its defaults).
  ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
});

function page(uid, error = '') {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Provedor de identidade</title>
</head><body><h1>Provedor de identidade (teste)</h1>
${error ? `<p role="alert">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label>E-mail <input name="email" type="email" autofocus></label>
<label>Senha <input name="password" type="password"></label>
<button type="submit">Entrar no provedor</button></form></body></html>`;
}

async function form(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

// The interaction routes (the provider sends the browser here to sign in); the rest is the
// provider's own.
const oidc = provider.callback();
const server = createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([\w-]+)(\/login)?$/);
  if (!match) return oidc(req, res);
  try {
    const { uid, prompt } = await provider.interactionDetails(req, res);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    if (!['login', 'select_account'].includes(prompt.name)) {
      res.statusCode = 501;
      return res.end(`prompt ${prompt.name} not implemented`);
    }
    if (req.method !== 'POST' || !match[2]) return res.end(page(uid));
    const fields = await form(req);
    const email = (fields.get('email') || '').trim().toLowerCase();
    const account = accounts.find((a) => a.email.toLowerCase() === email);
    const password = fields.get('password');
    if (!account || !password || (account.password && password !== account.password)) {
      res.statusCode = 401;
      return res.end(page(uid, 'E-mail ou senha inválidos.'));
    }
    return await provider.interactionFinished(req, res, {
      login: { accountId: account.sub },
      select_account: {},
    }, { mergeWithLastSubmission: false });
  } catch (err) {
    res.statusCode = 400;
    return res.end(`interaction error: ${err.message}`);
  }
});

server.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
