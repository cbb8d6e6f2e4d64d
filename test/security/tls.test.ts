import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { rawExchange } from '../helpers/raw-socket.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-tls-'));
const certFile = join(dir, 'cert.pem');
const keyFile = join(dir, 'key.pem');

/** A self-signed cert for 127.0.0.1, made by openssl (node:crypto cannot write X.509). */
function makeCert(cn: string): string {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', `/CN=${cn}`, '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  return readFileSync(certFile, 'utf8');
}

function get(url: string, ca: string): Promise<{ status: number; cert: PeerCertificate; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, agent: false }, (res) => {
      let body = '';
      const cert = (res.socket as TLSSocket).getPeerCertificate();
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cert, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let upstream: TestUpstream;
let gw: TestGateway;
let firstPem: string;

beforeAll(async () => {
  firstPem = makeCert('tollgate-one');
  upstream = await startUpstream();
  gw = await startTestGateway({ listen: { tls: { cert: certFile, key: keyFile } }, routes: [{ name: 'public', match: { path: '/public/*' }, upstream: upstream.url, auth: 'none' }] }, 'memory');
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('optional TLS on the listener', () => {
  it('serves HTTPS with the configured certificate, and the edge forwards with X-Forwarded-Proto https', async () => {
    expect(gw.url.startsWith('https://')).toBe(true);
    const res = await get(`${gw.url}/public/x`, firstPem);
    expect(res.status).toBe(200);
    expect(res.cert.subject.CN).toBe('tollgate-one');
    expect(upstream.requests.at(-1)!.headers['x-forwarded-proto']).toBe('https');
  });

  it('does not answer plain HTTP on the TLS port', async () => {
    const answer = await rawExchange(Number(new URL(gw.url).port), 'GET /public/x HTTP/1.1\r\nHost: gw.test\r\n\r\n');
    expect(answer.status === 0 || answer.status === 400).toBe(true);
    expect(answer.head).not.toMatch(/x-upstream/i);
  });

  it('re-reads cert and key on reload (SIGHUP) for new connections; unusable files keep the current pair', async () => {
    const secondPem = makeCert('tollgate-two');
    expect(gw.gateway.reloadTls()).toBe(true);
    expect((await get(`${gw.url}/public/x`, secondPem)).cert.subject.CN).toBe('tollgate-two');
    writeFileSync(keyFile, 'not a key');
    expect(gw.gateway.reloadTls()).toBe(false);
    expect((await get(`${gw.url}/public/x`, secondPem)).cert.subject.CN).toBe('tollgate-two');
    expect(gw.logText()).toContain('TLS reload refused');
    expect(gw.logText()).not.toContain('PRIVATE KEY');
  });

  it('refuses to start when the files are missing or not a pair', async () => {
    await expect(startTestGateway({ listen: { tls: { cert: join(dir, 'nope.pem'), key: keyFile } } }, 'memory')).rejects.toBeInstanceOf(ConfigError);
    writeFileSync(keyFile, 'not a key');
    await expect(startTestGateway({ listen: { tls: { cert: certFile, key: keyFile } } }, 'memory')).rejects.toBeInstanceOf(ConfigError);
  });
});
