/**
 * Responses checked against tollgate's OpenAPI document with ajv: an undocumented operation or
 * status, or a body that does not match its schema, fails the test that received it.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { buildOpenApiDocument } from '../../src/admin/openapi.js';
import type { TestGateway } from './gateway.js';

export const document = buildOpenApiDocument();
const DOC_ID = 'https://tollgate.invalid/openapi.json';

type Responses = Record<string, { content?: Record<string, { schema: object }> }>;
type PathItem = Record<string, { responses: Responses } | unknown>;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
// The components are added as one schema document, so each `#/components/schemas/...` reference resolves inside it.
ajv.addSchema({ $id: DOC_ID, components: document.components }, DOC_ID);
const validators = new Map<object, ValidateFunction>();

/** Path templates, literal ones first, as anchored patterns. */
const templates = Object.keys(document.paths)
  .sort((a, b) => Number(a.includes('{')) - Number(b.includes('{')))
  .map((template) => ({ template, pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`) }));

function validatorFor(schema: { $ref?: string }): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    const resolved = schema.$ref ? { $ref: `${DOC_ID}${schema.$ref}` } : schema;
    validators.set(schema, (validate = ajv.compile(resolved)));
  }
  return validate;
}

/** Every way the response differs from the document; empty when it conforms. */
export function responseProblems(method: string, url: string, status: number, body: unknown): string[] {
  const path = new URL(url, 'http://x').pathname;
  const where = `${method} ${path} → ${status}`;
  const match = templates.find((t) => t.pattern.test(path));
  if (!match) {
    // A path the document cannot list: only the admin API's catch-all 404, in its error shape.
    if (status !== 404 || !path.startsWith('/admin/v1/')) return [`${where}: no such path in the document`];
    return problemsOf(where, validatorFor({ $ref: '#/components/schemas/AdminError' }), body);
  }
  const operation = ((document.paths as Record<string, PathItem>)[match.template]![method.toLowerCase()]) as { responses: Responses } | undefined;
  if (!operation) return [`${where}: ${method} is not documented for ${match.template}`];
  const response = operation.responses[String(status)];
  if (!response) return [`${where}: status ${status} is not documented`];
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return body === null ? [] : [`${where}: documented without a body, but one came`];
  return problemsOf(where, validatorFor(schema), body);
}

function problemsOf(where: string, validate: ValidateFunction, body: unknown): string[] {
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '(body)'} ${e.message}`);
}

/** Throws, naming every difference, when the response does not match the document. */
export function assertDocumented(method: string, url: string, status: number, body: unknown): void {
  const problems = responseProblems(method, url, status, body);
  // The body is shown to explain the failure, without the credentials it may carry.
  const shown = JSON.stringify(body)?.replace(/tg_[a-z]_[A-Za-z0-9_-]+/g, 'tg_…');
  if (problems.length > 0) throw new Error(`response does not match the OpenAPI document:\n${problems.join('\n')}\nbody: ${shown}`);
}

/** Makes `gw.admin` check every admin API response against the document. */
export function checkAdminResponses(gw: TestGateway): TestGateway {
  const call = gw.admin.bind(gw);
  gw.admin = async (method, path, body) => {
    const res = await call(method, path, body);
    assertDocumented(method, `/admin/v1${path}`, res.status, res.body);
    return res;
  };
  return gw;
}
