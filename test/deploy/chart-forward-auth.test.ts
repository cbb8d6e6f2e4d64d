/**
 * The chart's forward-auth mode (issue 14) and the ingress examples that point at it: the values validate and
 * pass `tollgate config check` with forwardAuth as the ConfigMap writes it, the templates render the
 * Deployment and Service with the decision port, and every example asks that Service, port and path and
 * copies exactly the identity headers tollgate answers with.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { EdgeContext } from '../../src/edge/context.js';
import { identityHeaders } from '../../src/edge/upstream-headers.js';
import { CHART, configCheck, helmMerge, readYaml } from '../helpers/chart.js';

const values = readYaml(join(CHART, 'values.yaml'));
const fa = helmMerge(values, readYaml(join(CHART, 'values-forward-auth.yaml'))) as any;
const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')));
const template = (name: string) => readFileSync(join(CHART, 'templates', name), 'utf8');
const example = (name: string) => parseAllDocuments(readFileSync(join('examples/forward-auth', name), 'utf8')).map((d) => d.toJS());

/** The names tollgate's allow answer carries, from the code that writes them (a principal with every field). */
const IDENTITY = (() => {
  const out: string[] = [];
  identityHeaders({ principal: { app: 'a', subject: 's', scopes: ['x'], tokenId: 't', clientId: 'c' } } as unknown as EdgeContext, out);
  return out.filter((_, i) => i % 2 === 0);
})();
const lower = (names: string[]) => names.map((n) => n.toLowerCase());
/** The URL every in-cluster example asks. */
const decisionUrl = `http://${fa.fullnameOverride}.tollgate.svc.cluster.local:${fa.ports.forwardAuth}${fa.forwardAuth.path}`;

describe('helm mode forward-auth', () => {
  it('values-forward-auth.yaml merges into values the schema accepts, and the schema knows the mode', () => {
    expect(validate(fa), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(helmMerge(values, { mode: 'forward-auth' }))).toBe(true);
    expect(validate(helmMerge(values, { forwardAuth: { path: 'auth' } }))).toBe(false);
    expect(validate(helmMerge(values, { forwardAuth: { ingress: 'haproxy' } }))).toBe(false);
    expect(new Set(Object.values(fa.ports)).size).toBe(Object.keys(fa.ports).length);
  });

  it('the config the ConfigMap writes (values.config plus forwardAuth) passes `tollgate config check`', () => {
    const configmap = template('configmap.yaml');
    expect(configmap).toMatch(/if eq \.Values\.mode "forward-auth" \}\}\n\s+forwardAuth:\n\s+ingress: \{\{ \.Values\.forwardAuth\.ingress \}\}\n\s+path: \{\{ \.Values\.forwardAuth\.path \}\}\n\s+port: \{\{ \.Values\.ports\.forwardAuth \}\}/);
    const written = { ...fa.config, forwardAuth: { ingress: fa.forwardAuth.ingress, path: fa.forwardAuth.path, port: fa.ports.forwardAuth } };
    const env = { PORT: String(fa.ports.http), ADMIN_PORT: String(fa.ports.admin), METRICS_PORT: String(fa.ports.metrics), REDIS_URL: 'redis://redis:6379' };
    const { status, result, stderr } = configCheck(written, env);
    expect({ status, result, stderr }).toMatchObject({ status: 0, result: { valid: true, routes: ['orders-read', 'orders-write', 'orders-health'], store: 'redis' } });
  });

  it('without trustedProxies the chart refuses to render, as the config check would refuse to start', () => {
    expect(template('deployment.yaml')).toMatch(/if and \(eq \.Values\.mode "forward-auth"\) \(not \.Values\.config\.listen\.trustedProxies\) \}\}\n\{\{- fail /);
    expect(values.config.listen.trustedProxies).toEqual([]);
    expect(fa.config.listen.trustedProxies.length).toBeGreaterThan(0);
  });

  it('renders the Deployment, Service, HPA, PDB and monitoring, but no Ingress: the ingress is yours', () => {
    const rendered = readdirSync(join(CHART, 'templates')).filter((name) => /eq \.Values\.mode "forward-auth"/.test(template(name).split('\n')[0]!));
    expect(rendered.sort()).toEqual(['deployment.yaml', 'grafana-dashboard.yaml', 'hpa.yaml', 'pdb.yaml', 'prometheusrule.yaml', 'service.yaml', 'serviceaccount.yaml', 'servicemonitor.yaml']);
    expect(template('ingress.yaml')).not.toContain('forward-auth');
  });

  it('the container and the Service expose ports.forwardAuth by the name forward-auth', () => {
    expect(template('deployment.yaml')).toMatch(/- name: forward-auth\n\s+containerPort: \{\{ \.Values\.ports\.forwardAuth \}\}/);
    expect(template('service.yaml')).toMatch(/- name: forward-auth\n\s+port: \{\{ \.Values\.ports\.forwardAuth \}\}\n\s+targetPort: forward-auth/);
  });
});

describe('the ingress examples ask the chart and copy what tollgate answers', () => {
  it('ingress-nginx: auth-url is the decision URL; auth-response-headers are the identity headers', () => {
    const [ingress] = example('ingress-nginx.yaml');
    const annotations = ingress.metadata.annotations;
    expect(annotations['nginx.ingress.kubernetes.io/auth-url']).toBe(decisionUrl);
    expect(annotations['nginx.ingress.kubernetes.io/auth-response-headers'].split(',')).toEqual(expect.arrayContaining(IDENTITY.map((n) => n.replace(/\b\w/g, (c) => c.toUpperCase()))));
  });

  it('Traefik: forwardAuth asks the decision URL, sends only Authorization and copies every identity header', () => {
    const [middleware, strip, route] = example('traefik.yaml');
    const auth = middleware.spec.forwardAuth;
    expect(auth.address).toBe(decisionUrl);
    expect(lower(auth.authRequestHeaders).sort()).toEqual(['authorization', 'x-request-id']);
    expect(lower(auth.authResponseHeaders)).toEqual(expect.arrayContaining(IDENTITY));
    expect(auth.trustForwardHeader).toBe(false);
    expect(Object.keys(strip.spec.headers.customRequestHeaders).map((n) => n.toLowerCase().replace(/_/g, '-'))).toEqual(expect.arrayContaining(IDENTITY));
    expect(route.spec.routes[0].middlewares.map((m: any) => m.name)).toEqual([middleware.metadata.name, strip.metadata.name]);
  });

  it('Istio: the ext_authz provider is the chart Service, port and path; the policy uses it', () => {
    const [operator, policy] = example('istio.yaml');
    const [provider] = operator.spec.meshConfig.extensionProviders;
    expect(`http://${provider.envoyExtAuthzHttp.service}:${provider.envoyExtAuthzHttp.port}${provider.envoyExtAuthzHttp.pathPrefix}`).toBe(decisionUrl);
    expect(provider.envoyExtAuthzHttp.includeRequestHeadersInCheck).toContain('authorization');
    expect(provider.envoyExtAuthzHttp.headersToUpstreamOnAllow).toEqual(expect.arrayContaining(IDENTITY));
    expect(provider.envoyExtAuthzHttp.headersToDownstreamOnDeny).toEqual(expect.arrayContaining(['www-authenticate', 'retry-after']));
    expect(policy).toMatchObject({ kind: 'AuthorizationPolicy', spec: { action: 'CUSTOM', provider: { name: provider.name } } });
  });

  it('nginx and Caddy (run for real in test/forward-auth/) copy every identity header', () => {
    const nginx = readFileSync('examples/forward-auth/nginx.conf', 'utf8').toLowerCase();
    const caddy = readFileSync('examples/forward-auth/Caddyfile', 'utf8').toLowerCase();
    for (const name of IDENTITY) {
      expect(nginx).toContain(`$upstream_http_${name.replace(/-/g, '_')}`);
      expect(nginx).toContain(`proxy_set_header ${name}`);
      expect(caddy).toMatch(new RegExp(`copy_headers .*\\b${name}\\b`));
    }
  });
});
