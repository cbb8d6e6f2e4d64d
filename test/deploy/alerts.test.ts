import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART, readYaml } from '../helpers/chart.js';
import { locate, requireTools, TOOLS } from '../helpers/debian-tool.js';

const RULES = 'deploy/prometheus/tollgate-alerts.yaml';
const RULE_TESTS = 'deploy/prometheus/tests';
const DASHBOARD = 'deploy/grafana/tollgate-dashboard.json';
const testFiles = readdirSync(RULE_TESTS).filter((f) => f.endsWith('.yaml')).map((f) => join(RULE_TESTS, f));
const alertNames: string[] = readYaml(RULES).groups.flatMap((g: { rules: { alert?: string }[] }) => g.rules.map((r) => r.alert).filter(Boolean));

function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(locate(TOOLS.promtool)!, args, { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe.skipIf(!requireTools('alert rule tests', TOOLS.promtool))('alert rules, checked and unit-tested by promtool', () => {
  it('promtool check rules accepts the rules file', () => {
    const run = promtool('check', 'rules', RULES);
    expect(run.output).toContain(`SUCCESS: ${alertNames.length} rules found`);
    expect(run.status, run.output).toBe(0);
  });

  it('promtool test rules passes every unit test', () => {
    const run = promtool('test', 'rules', ...testFiles);
    expect(run.output).not.toContain('FAILED');
    expect(run.status, run.output).toBe(0);
  });
});

describe('alert rules and dashboard ship from one source', () => {
  it('has the alerts the issue asks for, each with a severity, summary and description', () => {
    expect(alertNames.sort()).toEqual(
      ['TollgateDenyRatioHigh', 'TollgateMetricsAbsent', 'TollgateRevocationPropagationSlow', 'TollgateScrapeFailing', 'TollgateStoreDown', 'TollgateTokenEndpointThrottling', 'TollgateUpstream5xx'].sort(),
    );
    for (const rule of readYaml(RULES).groups.flatMap((g: { rules: unknown[] }) => g.rules)) {
      expect(rule.labels.severity, rule.alert).toMatch(/^(warning|critical)$/);
      expect(Object.keys(rule.annotations).sort(), rule.alert).toEqual(['description', 'summary']);
    }
  });

  it('every alert has a unit test where it fires and one where it stays quiet', () => {
    const cases = testFiles.flatMap((file) => readYaml(file).tests.flatMap((t: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }) => t.alert_rule_test));
    for (const name of alertNames) {
      const mine = cases.filter((c) => c.alertname === name);
      expect(mine.some((c) => c.exp_alerts.length > 0), `${name} fires in a test`).toBe(true);
      expect(mine.some((c) => c.exp_alerts.length === 0), `${name} stays quiet in a test`).toBe(true);
    }
  });

  it('the chart ships the same rules file and dashboard byte for byte', () => {
    expect(readFileSync(join(CHART, 'files/tollgate-alerts.yaml'), 'utf8')).toBe(readFileSync(RULES, 'utf8'));
    expect(readFileSync(join(CHART, 'files/tollgate-dashboard.json'), 'utf8')).toBe(readFileSync(DASHBOARD, 'utf8'));
  });

  it('the PrometheusRule and dashboard ConfigMap read those files, behind their values toggles', () => {
    const rule = readFileSync(join(CHART, 'templates/prometheusrule.yaml'), 'utf8');
    expect(rule).toContain('.Values.prometheusRule.enabled');
    expect(rule).toMatch(/^spec:\n {2}\{\{- \.Files\.Get "files\/tollgate-alerts\.yaml" \| nindent 2 \}\}$/m);
    const dashboard = readFileSync(join(CHART, 'templates/grafana-dashboard.yaml'), 'utf8');
    expect(dashboard).toContain('.Values.grafanaDashboard.enabled');
    expect(dashboard).toContain('{{- toYaml .Values.grafanaDashboard.labels | nindent 4 }}');
    expect(dashboard).toMatch(/tollgate-dashboard\.json: \|-\n\s+\{\{- \.Files\.Get "files\/tollgate-dashboard\.json" \| nindent 4 \}\}/);
    expect(readYaml(join(CHART, 'values.yaml')).grafanaDashboard.labels).toEqual({ grafana_dashboard: '1' });
  });
});
