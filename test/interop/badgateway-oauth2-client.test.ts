/**
 * @badgateway/oauth2-client 3 against a real gateway, with nothing but `server`, the client id and
 * secret: it discovers the endpoints and the auth method itself. It implements client_secret_basic
 * and client_secret_post only (no private_key_jwt).
 */
import { OAuth2Client } from '@badgateway/oauth2-client';
import { describe, expect, it } from 'vitest';
import { SCOPE, useInteropGateway } from './interop-gateway.js';

const ig = useInteropGateway();

describe('@badgateway/oauth2-client 3', () => {
  for (const method of [undefined, 'client_secret_basic', 'client_secret_post'] as const) {
    it(`grants, introspects and revokes with ${method ?? 'the discovered method'}; the edge honours the token, then refuses it`, async () => {
      const client = new OAuth2Client({ server: ig.issuer, clientId: ig.secretClient.id, clientSecret: ig.secretClient.secret, ...(method ? { authenticationMethod: method } : {}) });
      const token = await client.clientCredentials({ scope: [SCOPE] });
      expect(token.expiresAt).toBeGreaterThan(Date.now());
      expect(await ig.edgeStatus(token.accessToken)).toBe(200);

      expect(await client.introspect(token)).toMatchObject({ active: true, client_id: ig.secretClient.id, scope: SCOPE });
      await client.revoke(token);
      expect(await ig.edgeStatus(token.accessToken)).toBe(401);
      expect(await client.introspect(token)).toEqual({ active: false });
    });
  }
});
