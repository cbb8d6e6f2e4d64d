import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CHART, configCheck, helmMerge, readYaml } from '../helpers/chart.js';

const values = readYaml(join(CHART, 'values.yaml'));
const sidecarValues = helmMerge(values, readYaml(join(CHART, 'values-sidecar.yaml'))) as any;
/** What the Deployment sets from `ports`, so the check sees the config as the pod does. */
const portEnv = (v: any) => ({ PORT: String(v.ports.http), ADMIN_PORT: String(v.ports.admin), METRICS_PORT: String(v.ports.metrics) });

describe('the config the chart ships', () => {
  it('needs dist/ (npm test builds it first)', () => {
    expect(existsSync('dist/cli/index.js')).toBe(true);
  });

  it('values.config passes `tollgate config check`, with the ports the Deployment sets', () => {
    const { status, result, stderr } = configCheck(values.config, portEnv(values));
    expect({ status, result, stderr }).toMatchObject({ status: 0, result: { valid: true, routes: ['example'], store: 'memory' } });
  });

  it('values.config selects Redis once the Secret supplies REDIS_URL', () => {
    const { status, result } = configCheck(values.config, { ...portEnv(values), REDIS_URL: 'redis://:pw@redis:6379/0' });
    expect(status).toBe(0);
    expect(result.store).toBe('redis');
  });

  it('the sidecar values pass the check and forward only to the pod itself', () => {
    const { status, result, stderr } = configCheck(sidecarValues.config, portEnv(sidecarValues));
    expect({ status, result, stderr }).toMatchObject({ status: 0, result: { valid: true, routes: ['orders-read', 'orders-write', 'orders-public'] } });
    for (const route of sidecarValues.config.routes) expect(new URL(route.upstream).hostname).toBe('127.0.0.1');
  });

  it('a broken config fails the check with the path of each problem', () => {
    const broken = helmMerge(values.config, { routes: [{ name: 'x', match: { path: '/x/*' }, upstream: 'ftp://nowhere' }] });
    const { status, result } = configCheck(broken);
    expect(status).toBe(2);
    expect(result.valid).toBe(false);
    expect(result.problems.join('\n')).toMatch(/routes\[0\]\.upstream/);
    expect(result.problems.join('\n')).toMatch(/routes\[0\]\.app/);
  });
});

describe('the sidecar example', () => {
  const docs = parseAllDocuments(readFileSync('examples/sidecar/deployment.yaml', 'utf8')).map((d) => d.toJS());
  const deployment = docs.find((d) => d.kind === 'Deployment');
  const service = docs.find((d) => d.kind === 'Service');
  const pod = deployment.spec.template.spec;
  const tollgate = pod.containers.find((c: any) => c.name === 'tollgate');
  const app = pod.containers.find((c: any) => c.name !== 'tollgate');
  const env = (c: any, name: string) => c.env.find((e: any) => e.name === name);

  it('mounts the ConfigMap that values-sidecar.yaml renders and runs serve with it', () => {
    const volume = pod.volumes.find((v: any) => v.configMap);
    expect(volume.configMap.name).toBe(sidecarValues.fullnameOverride);
    expect(tollgate.volumeMounts).toContainEqual(expect.objectContaining({ name: volume.name, mountPath: '/etc/tollgate', readOnly: true }));
    expect(tollgate.args).toEqual(['serve', '--config', '/etc/tollgate/tollgate.yaml']);
  });

  it('reads REDIS_URL from the Secret that values-sidecar.yaml names', () => {
    expect(env(tollgate, 'REDIS_URL').valueFrom.secretKeyRef).toMatchObject({ name: sidecarValues.secrets.existingSecret, key: sidecarValues.secrets.keys.redisUrl });
  });

  it('listens where the values say, probes the metrics port, and the Service reaches tollgate only', () => {
    expect(env(tollgate, 'PORT').value).toBe(String(sidecarValues.ports.http));
    expect(env(tollgate, 'METRICS_PORT').value).toBe(String(sidecarValues.ports.metrics));
    expect(tollgate.ports).toContainEqual({ name: 'http', containerPort: sidecarValues.ports.http });
    expect(tollgate.ports).toContainEqual({ name: 'metrics', containerPort: sidecarValues.ports.metrics });
    expect(tollgate.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(tollgate.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(service.spec.ports.map((p: any) => p.targetPort)).toEqual(['http', 'metrics']);
  });

  it('the app listens on loopback at the port the routes forward to', () => {
    const upstreamPorts = new Set(sidecarValues.config.routes.map((r: any) => new URL(r.upstream).port));
    expect([...upstreamPorts]).toEqual([env(app, 'PORT').value]);
    expect(env(app, 'HOST').value).toBe('127.0.0.1');
  });

  it('runs tollgate hardened', () => {
    expect(tollgate.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
  });
});
