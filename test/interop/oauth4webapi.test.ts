/**
 * oauth4webapi 3 against a real gateway, each request built and each response checked by the
 * library. Options it needs: `algorithm: 'oauth2'` on discovery (an RFC 8414 server) and
 * `allowInsecureRequests` (the test gateway speaks plain http on loopback).
 */
import * as oauth from 'oauth4webapi';
import { beforeAll, describe, expect, it } from 'vitest';
import { importClientKey, SCOPE, useInteropGateway } from './interop-gateway.js';

const ig = useInteropGateway();
let as: oauth.AuthorizationServer;
const insecure = { [oauth.allowInsecureRequests]: true };

beforeAll(async () => {
  const issuer = new URL(ig.issuer);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
});

describe('oauth4webapi 3', () => {
  it('validates the discovered metadata against the issuer it asked', () => {
    expect(as.issuer).toBe(ig.issuer);
    expect(as.introspection_endpoint).toBe(`${ig.issuer}/oauth/introspect`);
  });

  const methods: [string, () => Promise<[oauth.Client, oauth.ClientAuth]>][] = [
    ['client_secret_basic', async () => [{ client_id: ig.secretClient.id }, oauth.ClientSecretBasic(ig.secretClient.secret)]],
    ['client_secret_post', async () => [{ client_id: ig.secretClient.id }, oauth.ClientSecretPost(ig.secretClient.secret)]],
    ['private_key_jwt', async () => [{ client_id: ig.keyClient.id }, oauth.PrivateKeyJwt({ key: await importClientKey(ig.keyClient.keyBase64), kid: ig.keyClient.kid })]],
  ];

  for (const [method, auth] of methods) {
    it(`grants, introspects and revokes with ${method}; the edge honours the token, then refuses it`, async () => {
      const [client, clientAuth] = await auth();
      const granted = await oauth.processClientCredentialsResponse(as, client, await oauth.clientCredentialsGrantRequest(as, client, clientAuth, { scope: SCOPE }, insecure));
      expect(granted).toMatchObject({ token_type: 'bearer', scope: SCOPE });
      expect(await ig.edgeStatus(granted.access_token)).toBe(200);

      const introspect = async () => oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, clientAuth, granted.access_token, insecure));
      expect(await introspect()).toMatchObject({ active: true, client_id: client.client_id, scope: SCOPE });

      await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, clientAuth, granted.access_token, insecure));
      expect(await ig.edgeStatus(granted.access_token)).toBe(401);
      expect((await introspect()).active).toBe(false);
    });
  }
});
