// The OpenID provider the workbench's tests sign in with: the certified `oidc-provider`
// package, listening on 127.0.0.1 only, with the clients and accounts the test gives it.
// Its own development login form stands in for a real one (any password is accepted for
// the accounts named); consent is granted at once, as a company's own app would be.
// Started by tests/oidc_server.py: PORT, ISSUER, CLIENTS and ACCOUNTS (JSON) come from
// the environment, and "ready" on stdout says it is listening.
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const issuer = process.env.ISSUER;
const clients = JSON.parse(process.env.CLIENTS);
const accounts = JSON.parse(process.env.ACCOUNTS);

const provider = new Provider(issuer, {
  clients,
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["preferred_username", "name"],
    groups: ["groups"],
  },
  scopes: ["openid", "email", "profile", "groups"],
  // Every claim the scopes allow goes in the ID token (the workbench reads only that).
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  cookies: { keys: ["tests-only-not-a-secret"] },
  async findAccount(ctx, id) {
    if (!Object.hasOwn(accounts, id)) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) };
  },
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email profile groups");
    grant.addOIDCClaims(["email", "email_verified", "preferred_username", "name", "groups"]);
    await grant.save();
    return grant;
  },
});

provider.listen(port, "127.0.0.1", () => {
  process.stdout.write("ready\n");
});
