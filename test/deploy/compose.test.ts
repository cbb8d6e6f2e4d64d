import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configCheck, readYaml } from '../helpers/chart.js';

const compose = readYaml('compose.yaml');
const services = compose.services;
const tollgate = services.tollgate;
/** The host file mounted at a container path, from short `host:container[:ro]` syntax. */
const mountOf = (service: any, target: string) => service.volumes.map((v: string) => v.split(':')).find((v: string[]) => v[1] === target)?.[0];

describe('compose.yaml', () => {
  it('has Redis, tollgate and a sample upstream', () => {
    expect(Object.keys(services).sort()).toEqual(['redis', 'tollgate', 'upstream']);
    expect(services.redis.image).toMatch(/^redis:/);
  });

  it('builds tollgate from this repository and runs serve with the mounted config', () => {
    expect(tollgate.build).toBe('.');
    expect(tollgate.image).toMatch(/^tollgate:/);
    expect(tollgate.command).toEqual(['serve', '--config', '/etc/tollgate/tollgate.yaml']);
    const file = mountOf(tollgate, '/etc/tollgate/tollgate.yaml');
    expect(existsSync(file)).toBe(true);
    expect(tollgate.depends_on.redis.condition).toBe('service_healthy');
  });

  it('points REDIS_URL at the redis service', () => {
    const url = new URL(tollgate.environment.REDIS_URL);
    expect(url.protocol).toBe('redis:');
    expect(services[url.hostname]?.image).toMatch(/^redis:/);
  });

  it('publishes the proxy and metrics ports on loopback only, and runs read-only', () => {
    expect(tollgate.ports).toEqual(['127.0.0.1:8080:8080', '127.0.0.1:9464:9464']);
    expect(tollgate.read_only).toBe(true);
    expect(tollgate.cap_drop).toEqual(['ALL']);
  });

  it('mounts a config that passes the check, with routes to the upstream service on its port', () => {
    const file = mountOf(tollgate, '/etc/tollgate/tollgate.yaml');
    const { status, result, stderr } = configCheck(readYaml(file), { REDIS_URL: tollgate.environment.REDIS_URL });
    expect({ status, result, stderr }).toMatchObject({ status: 0, result: { valid: true, store: 'redis' } });
    const config = readYaml(file);
    expect(config.listen).toMatchObject({ port: 8080, metricsPort: 9464 });
    for (const route of config.routes) {
      const upstream = new URL(route.upstream);
      expect(services[upstream.hostname], route.name).toBeDefined();
      expect(upstream.port).toBe(services[upstream.hostname].environment.PORT);
    }
  });

  it('mounts an upstream script that exists', () => {
    const script = mountOf(services.upstream, services.upstream.command[1]);
    expect(existsSync(script)).toBe(true);
  });
});
