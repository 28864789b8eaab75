/**
 * The response schemas of Discord's published OpenAPI description
 * (third_party/discord-api-spec, OpenAPI 3.1, MIT), compiled with Ajv's JSON
 * Schema 2020-12 validator: `check` says whether a status is one the
 * operation documents and whether the body matches its schema.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { DISCORD_OPENAPI_PATH } from '../testing/spec-operations';

const require = createRequire(import.meta.url);
// Ajv ships CommonJS with a default export; required here so its class comes through whole.
const Ajv2020 = (require('ajv/dist/2020') as { default: new (options: object) => AjvInstance }).default;
const addFormats = (require('ajv-formats') as { default: (ajv: AjvInstance) => void }).default;

interface AjvInstance {
  addSchema(schema: object, key?: string): void;
  addFormat(name: string, format: boolean | RegExp): void;
  getSchema(ref: string): ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null } | undefined;
}

interface SpecResponse {
  $ref?: string;
  content?: Record<string, { schema?: unknown }>;
}

interface Spec {
  paths: Record<string, Record<string, { responses?: Record<string, SpecResponse> }>>;
  components: { responses?: Record<string, SpecResponse> };
}

/** JSON Pointer escaping, then URI escaping, for a `$ref` fragment. */
const pointer = (...parts: string[]): string => parts.map((part) => encodeURIComponent(part.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

/** Discord's response schemas, ready to check answers against. */
export class DiscordResponseSchemas {
  private readonly spec: Spec;
  private readonly ajv: AjvInstance;

  constructor(path = DISCORD_OPENAPI_PATH) {
    this.spec = JSON.parse(readFileSync(path, 'utf8')) as Spec;
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    // Discord's own formats: numbers and ids whose range JSON Schema already states.
    for (const format of ['int32', 'int64', 'double', 'snowflake', 'nonce']) this.ajv.addFormat(format, true);
    this.ajv.addSchema(this.spec as object, 'discord');
  }

  /**
   * Problems with one answer of `method path` (the spec's path form): an
   * undocumented status, or a body its schema refuses. Empty when it conforms.
   */
  check(method: string, path: string, status: number, body: unknown): string[] {
    const operation = this.spec.paths[path]?.[method.toLowerCase()];
    if (!operation) return [`${method} ${path} is not in Discord's spec`];
    const responses = operation.responses ?? {};
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((candidate) => responses[candidate] !== undefined);
    if (key === undefined) return [`status ${status} is not documented for ${method} ${path} (documented: ${Object.keys(responses).join(', ')})`];
    let response = responses[key]!;
    let base = ['paths', path, method.toLowerCase(), 'responses', key];
    if (response.$ref) {
      const name = response.$ref.replace('#/components/responses/', '');
      response = this.spec.components.responses?.[name] ?? {};
      base = ['components', 'responses', name];
    }
    const schema = response.content?.['application/json']?.schema;
    if (schema === undefined) return body === null || body === undefined || body === '' ? [] : [`${method} ${path} ${status} documents no body, got ${JSON.stringify(body).slice(0, 200)}`];
    const ref = `discord#/${pointer(...base, 'content', 'application/json', 'schema')}`;
    const validate = this.ajv.getSchema(ref);
    if (!validate) return [`no schema at ${ref}`];
    if (validate(status >= 400 ? withNumericFieldCodes(body) : body)) return [];
    return (validate.errors ?? []).slice(0, 10).map((error) => `${error.instancePath || '(body)'} ${error.message ?? 'is invalid'}`);
  }
}

/**
 * The one place the published spec and Discord disagree for us: it types a
 * field error's `code` (errors.<field>._errors[].code of 50035) as an
 * integer, while Discord sends, and documents, strings such as
 * "BASE_TYPE_REQUIRED", which discord.js reads. This server sends strings;
 * they are checked as the rest of the body with that one type set aside.
 */
function withNumericFieldCodes(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(withNumericFieldCodes);
  if (body === null || typeof body !== 'object') return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    out[key] = key === '_errors' && Array.isArray(value) ? value.map((e) => (e && typeof e === 'object' && typeof (e as { code?: unknown }).code === 'string' ? { ...e, code: 0 } : e)) : withNumericFieldCodes(value);
  }
  return out;
}
