/**
 * `tollgate assertion`: signs a private_key_jwt client assertion with the client key the gateway
 * handed out (base64 PKCS#8 DER) — the counterpart of HYPR's JWTCreator.java.
 */
import { createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import type { Command } from 'commander';
import { parseDuration } from '../config/duration.js';
import { CliError, EXIT } from './cli-error.js';

const CURVE_ALG: Record<string, string> = { prime256v1: 'ES256', secp384r1: 'ES384' };

function loadKey(base64: string): KeyObject {
  try {
    return createPrivateKey({ key: Buffer.from(base64.trim(), 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new CliError('--key-base64 is not a base64 PKCS#8 (DER) private key', EXIT.usage);
  }
}

function algorithmOf(key: KeyObject, requested: string | undefined): string {
  const type = key.asymmetricKeyType;
  const natural = type === 'ec' ? CURVE_ALG[key.asymmetricKeyDetails?.namedCurve ?? ''] : type === 'ed25519' ? 'EdDSA' : type === 'rsa' ? 'RS256' : undefined;
  if (!natural) throw new CliError(`unsupported key type ${type ?? 'unknown'}`, EXIT.usage);
  if (requested && !(type === 'rsa' && (requested === 'RS256' || requested === 'PS256')) && requested !== natural) {
    throw new CliError(`--alg ${requested} does not fit this key (use ${type === 'rsa' ? 'RS256 or PS256' : natural})`, EXIT.usage);
  }
  return requested ?? natural;
}

export function registerAssertionCommand(program: Command): void {
  program
    .command('assertion')
    .description('sign a client assertion (RFC 7523) for POST /oauth/token')
    .requiredOption('--sub <client id>', 'the client id (iss and sub)')
    .option('--key-base64 <key>', 'the client key from client creation (env TOLLGATE_CLIENT_KEY)')
    .option('--kid <kid>', 'key id (default: the key\'s RFC 7638 thumbprint, as the gateway assigns)')
    .option('--exp <duration>', 'lifetime, e.g. 60s or 5m', '5m')
    .option('--aud <issuer>', 'the gateway\'s issuer identifier (env TOLLGATE_ISSUER)')
    .option('--alg <alg>', 'signature algorithm (default: the key\'s own)')
    .option('--json', 'machine-readable output')
    .action(async (o: { sub: string; keyBase64?: string; kid?: string; exp: string; aud?: string; alg?: string; json?: boolean }) => {
      const base64 = o.keyBase64 ?? process.env.TOLLGATE_CLIENT_KEY;
      if (!base64) throw new CliError('no client key: pass --key-base64 or set TOLLGATE_CLIENT_KEY', EXIT.usage);
      const aud = o.aud ?? process.env.TOLLGATE_ISSUER;
      if (!aud) throw new CliError('no audience: pass --aud <issuer> or set TOLLGATE_ISSUER', EXIT.usage);
      const lifetime = parseDuration(o.exp);
      if ('error' in lifetime || lifetime.ms < 1_000) throw new CliError(`--exp: ${'error' in lifetime ? lifetime.error : 'must be at least 1s'}`, EXIT.usage);
      const { calculateJwkThumbprint, exportJWK, SignJWT } = await import('jose');
      const key = loadKey(base64);
      const alg = algorithmOf(key, o.alg);
      const kid = o.kid ?? (await calculateJwkThumbprint(await exportJWK(createPublicKey(key))));
      const now = Math.floor(Date.now() / 1000);
      const exp = now + Math.round(lifetime.ms / 1000);
      const assertion = await new SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg, kid, typ: 'JWT' })
        .setIssuer(o.sub)
        .setSubject(o.sub)
        .setAudience(aud)
        .setIssuedAt(now)
        .setExpirationTime(exp)
        .sign(key);
      process.stdout.write(o.json ? `${JSON.stringify({ assertion, kid, alg, exp }, null, 2)}\n` : `${assertion}\n`);
    });
}
