/**
 * openid-client 6 against a real gateway. Options it needs: `algorithm: 'oauth2'` (tollgate is an
 * RFC 8414 authorization server, not an OpenID provider) and `allowInsecureRequests` (the test
 * gateway listens on plain http on loopback; production issuers are https).
 */
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { importClientKey, SCOPE, useInteropGateway } from './interop-gateway.js';

const ig = useInteropGateway();

async function discover(clientId: string, auth: client.ClientAuth): Promise<client.Configuration> {
  return client.discovery(new URL(ig.issuer), clientId, undefined, auth, { algorithm: 'oauth2', execute: [client.allowInsecureRequests] });
}

describe('openid-client 6', () => {
  it('discovers the metadata at the gateway\'s own URL', async () => {
    const config = await discover(ig.secretClient.id, client.ClientSecretBasic(ig.secretClient.secret));
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(ig.issuer);
    expect(meta.token_endpoint).toBe(`${ig.issuer}/oauth/token`);
    expect(meta.revocation_endpoint_auth_signing_alg_values_supported).toContain('ES256');
  });

  const methods: [string, () => Promise<[string, client.ClientAuth]>][] = [
    ['client_secret_basic', async () => [ig.secretClient.id, client.ClientSecretBasic(ig.secretClient.secret)]],
    ['client_secret_post', async () => [ig.secretClient.id, client.ClientSecretPost(ig.secretClient.secret)]],
    ['private_key_jwt', async () => [ig.keyClient.id, client.PrivateKeyJwt({ key: await importClientKey(ig.keyClient.keyBase64), kid: ig.keyClient.kid })]],
  ];

  for (const [method, auth] of methods) {
    it(`grants, introspects and revokes with ${method}; the edge honours the token, then refuses it`, async () => {
      const config = await discover(...(await auth()));
      const tokens = await client.clientCredentialsGrant(config, { scope: SCOPE });
      expect(tokens.token_type).toBe('bearer');
      expect(tokens.expiresIn()).toBeGreaterThan(3500);
      expect(await ig.edgeStatus(tokens.access_token)).toBe(200);

      const live = await client.tokenIntrospection(config, tokens.access_token);
      expect(live).toMatchObject({ active: true, scope: SCOPE, client_id: config.clientMetadata().client_id });

      await client.tokenRevocation(config, tokens.access_token);
      expect(await ig.edgeStatus(tokens.access_token)).toBe(401);
      expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    });
  }
});
