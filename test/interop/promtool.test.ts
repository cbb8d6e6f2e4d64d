/**
 * Prometheus's own linter on a live gateway's exposition: `promtool check metrics` (Debian's
 * prometheus package) must find nothing, after traffic has given every labelled series a sample.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { locate, requireTools, TOOLS } from '../helpers/debian-tool.js';
import { postForm } from '../helpers/oauth.js';
import { SCOPE, useInteropGateway } from './interop-gateway.js';

/** Runs `promtool check metrics` with the exposition on stdin; its findings come on stdout and stderr. */
function checkMetrics(exposition: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(locate(TOOLS.promtool)!, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(exposition);
  });
}

describe.skipIf(!requireTools('the metrics lint', TOOLS.promtool))('promtool check metrics', () => {
  const ig = useInteropGateway();

  it('finds nothing to complain about in a live gateway\'s /metrics', async () => {
    const granted = await postForm(ig.issuer, '/oauth/token', { grant_type: 'client_credentials', client_id: ig.secretClient.id, client_secret: ig.secretClient.secret, scope: SCOPE });
    expect(granted.status).toBe(200);
    expect((await postForm(ig.issuer, '/oauth/token', { grant_type: 'client_credentials', client_id: ig.secretClient.id, client_secret: 'wrong' })).status).toBe(401);
    expect(await ig.edgeStatus(granted.body.access_token)).toBe(200);
    expect(await ig.edgeStatus('tg_a_nonsense')).toBe(401);

    const res = await fetch(`${ig.gw.metricsUrl}/metrics`);
    const exposition = await res.text();
    for (const family of ['tollgate_requests_total', 'tollgate_auth_decisions_total', 'tollgate_tokens_issued_total', 'tollgate_token_endpoint_errors_total', 'nodejs_active_handles']) {
      expect(exposition).toContain(`# TYPE ${family} `);
    }
    const lint = await checkMetrics(exposition);
    expect(lint.output).toBe('');
    expect(lint.code).toBe(0);
  });
});
