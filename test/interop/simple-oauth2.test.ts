/**
 * simple-oauth2 5 against a real gateway. It does not discover, so it is told the token and revoke
 * paths (`auth.tokenPath`, `auth.revokePath`); nothing else. It implements client_secret_basic
 * (its default, `authorizationMethod: 'header'`) and client_secret_post (`'body'`) only.
 */
import { ClientCredentials } from 'simple-oauth2';
import { describe, expect, it } from 'vitest';
import { SCOPE, useInteropGateway } from './interop-gateway.js';

const ig = useInteropGateway();

describe('simple-oauth2 5', () => {
  for (const authorizationMethod of [undefined, 'header', 'body'] as const) {
    it(`getToken and revoke with authorizationMethod ${authorizationMethod ?? '(default)'}; the edge honours the token, then refuses it`, async () => {
      const client = new ClientCredentials({
        client: { id: ig.secretClient.id, secret: ig.secretClient.secret },
        auth: { tokenHost: ig.issuer, tokenPath: '/oauth/token', revokePath: '/oauth/revoke' },
        ...(authorizationMethod ? { options: { authorizationMethod } } : {}),
      });
      const accessToken = await client.getToken({ scope: SCOPE });
      const token = accessToken.token.access_token as string;
      expect(accessToken.expired()).toBe(false);
      expect(await ig.edgeStatus(token)).toBe(200);

      await accessToken.revoke('access_token');
      expect(await ig.edgeStatus(token)).toBe(401);
    });
  }
});
