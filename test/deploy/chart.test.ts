import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { CHART, hasPath, helmMerge, readYaml, uncommentedKeys, unbalancedBlocks, valuesReferences } from '../helpers/chart.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const values = readYaml(join(CHART, 'values.yaml'));
const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const templateDir = join(CHART, 'templates');
const templates = readdirSync(templateDir).map((name) => ({ name, text: readFileSync(join(templateDir, name), 'utf8') }));

function errors(candidate: unknown): string[] {
  return validate(candidate) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe('helm chart metadata and values', () => {
  it('Chart.yaml is a v2 application chart whose appVersion is the package version', () => {
    const chart = readYaml(join(CHART, 'Chart.yaml'));
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'tollgate', type: 'application', appVersion: pkg.version });
    expect(chart.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('values.yaml validates against values.schema.json', () => {
    expect(errors(values)).toEqual([]);
  });

  it('the schema rejects mistakes an operator makes (typos, wrong types, malformed secrets)', () => {
    expect(errors({ ...values, replicaCont: 3 })).not.toEqual([]);
    expect(errors({ ...values, replicaCount: 'two' })).not.toEqual([]);
    expect(errors(helmMerge(values, { mode: 'ingress' }))).not.toEqual([]);
    expect(errors(helmMerge(values, { ports: { metrics: 70000 } }))).not.toEqual([]);
    expect(errors(helmMerge(values, { secrets: { bootstrapToken: 'hunter2' } }))).not.toEqual([]);
    expect(errors(helmMerge(values, { secrets: { redisUrl: 'http://redis:6379' } }))).not.toEqual([]);
    expect(errors(helmMerge(values, { securityContext: { allowPrivilegeEscalation: true } }))).not.toEqual([]);
    expect(errors(helmMerge(values, { ports: { admin: null } }))).toEqual([]);
  });

  it('every value in values.yaml carries a comment', () => {
    expect(uncommentedKeys(readFileSync(join(CHART, 'values.yaml'), 'utf8'))).toEqual([]);
    expect(uncommentedKeys('image:\n  # the repository\n  repository: x\n  tag: ""\n')).toEqual(['line 1: image', 'line 4: tag']);
  });

  it('the proxy, admin and metrics ports differ, and the image exposes the defaults', () => {
    const { http, admin, metrics } = values.ports;
    expect(new Set([http, admin, metrics]).size).toBe(3);
    expect(readFileSync('Dockerfile', 'utf8')).toMatch(new RegExp(`EXPOSE ${http} ${metrics}\\b`));
  });

  it('the sidecar values merge into valid values that render only config', () => {
    const sidecar = helmMerge(values, readYaml(join(CHART, 'values-sidecar.yaml'))) as any;
    expect(errors(sidecar)).toEqual([]);
    expect(sidecar.mode).toBe('sidecar');
    const renderedInSidecarMode = templates.filter((t) => t.name.endsWith('.yaml') && !/eq \.Values\.mode "edge"/.test(t.text)).map((t) => t.name);
    expect(renderedInSidecarMode.sort()).toEqual(['configmap.yaml', 'secret.yaml']);
  });
});

describe('helm templates', () => {
  it('has the resources the chart promises', () => {
    const kinds = templates.map((t) => /^kind: (\w+)/m.exec(t.text)?.[1]).filter(Boolean);
    expect(kinds.sort()).toEqual(
      ['ConfigMap', 'ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'PodDisruptionBudget', 'PrometheusRule', 'Secret', 'Service', 'ServiceAccount', 'ServiceMonitor'].sort(),
    );
    expect(templates.map((t) => t.name)).toContain('NOTES.txt');
  });

  it('every .Values path a template reads exists in values.yaml', () => {
    const missing = templates.flatMap((t) => valuesReferences(t.text).filter((path) => !hasPath(values, path)).map((path) => `${t.name}: .Values.${path}`));
    expect(missing).toEqual([]);
    expect(valuesReferences('{{ .Values.ingress.hostz }}').filter((path) => !hasPath(values, path))).toEqual(['ingress.hostz']);
  });

  it('every template has balanced blocks and includes only defined helpers', () => {
    const defined = new Set(templates.flatMap((t) => [...t.text.matchAll(/define "([^"]+)"/g)].map((m) => m[1])));
    for (const t of templates) {
      expect(unbalancedBlocks(t.text), t.name).toBe(0);
      for (const m of t.text.matchAll(/include "([^"]+)"/g)) expect(defined, `${t.name} includes ${m[1]}`).toContain(m[1]);
    }
    expect(unbalancedBlocks('{{- if .Values.a }}x{{- with .Values.b }}y{{- end }}')).toBe(1);
  });

  it('the Deployment probes the metrics port, rolls on config change and runs hardened', () => {
    const deployment = templates.find((t) => t.name === 'deployment.yaml')!.text;
    expect(deployment).toMatch(/livenessProbe:\s+httpGet:\s+path: \/healthz\s+port: metrics/);
    expect(deployment).toMatch(/readinessProbe:\s+httpGet:\s+path: \/readyz\s+port: metrics/);
    expect(deployment).toContain('checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}');
    expect(deployment).toContain('mountPath: /etc/tollgate');
    expect(deployment).toContain('args: ["serve", "--config", "/etc/tollgate/tollgate.yaml"]');
    expect(values.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(values.podSecurityContext.runAsUser).not.toBe(0);
  });

  it('the config map holds values.config as tollgate.yaml', () => {
    const configmap = templates.find((t) => t.name === 'configmap.yaml')!.text;
    expect(configmap).toMatch(/tollgate\.yaml: \|\n\s+\{\{- toYaml \.Values\.config \| nindent 4 \}\}/);
  });
});
