#!/usr/bin/env node
// Kubernetes JSON schemas for kubeconform, made offline from the OpenAPI v2
// document Kubernetes publishes (api/openapi-spec/swagger.json, which the
// k8s.io/kubernetes Go module carries; scripts/infra/k8s-tools.sh fetches it
// with `go mod download`). kubeconform's default schema source is a GitHub
// repository this machine cannot reach.
//
//   node scripts/deploy/k8s-schemas.mjs <swagger.json> <out-dir>
//
// Writes <out-dir>/<kind>-<group>-<version>.json (kubeconform's file naming:
// lower-case kind, the group's first label, the version; core kinds are
// <kind>-v1.json), one per x-kubernetes-group-version-kind, "standalone"
// (every $ref inlined) and "strict" (objects with declared properties take no
// other ones, so a misspelt field fails). int-or-string and Quantity fields
// take a string or a number, as the API server does.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const REF = '#/definitions/';

/** Inlines one definition's refs; a ref already on the path (a recursive type) becomes {}. */
function inline(schema, definitions, path) {
  if (Array.isArray(schema)) return schema.map((item) => inline(item, definitions, path));
  if (schema === null || typeof schema !== 'object') return schema;
  if (typeof schema.$ref === 'string' && schema.$ref.startsWith(REF)) {
    const name = schema.$ref.slice(REF.length);
    if (path.includes(name)) return {};
    const { $ref: _ref, ...rest } = schema;
    return { ...inline(definitions[name] ?? {}, definitions, [...path, name]), ...inline(rest, definitions, path) };
  }
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'x-kubernetes-group-version-kind' || key.startsWith('x-kubernetes-list') || key === 'x-kubernetes-patch-merge-key' || key === 'x-kubernetes-patch-strategy' || key === 'x-kubernetes-map-type' || key === 'x-kubernetes-unions') continue;
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inline(v, definitions, path)])) : inline(value, definitions, path);
  }
  if (out.format === 'int-or-string') {
    delete out.type;
    delete out.format;
    out.oneOf = [{ type: 'string' }, { type: 'integer' }];
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** Builds every kind's schema from a swagger document: file name -> schema. */
export function schemasFromSwagger(swagger) {
  const definitions = { ...swagger.definitions };
  // resource.Quantity is "string" in the document but the API server takes 1 and 0.5 too.
  const quantity = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
  if (definitions[quantity]) definitions[quantity] = { ...definitions[quantity], type: undefined, oneOf: [{ type: 'string' }, { type: 'number' }] };
  const files = new Map();
  for (const [name, definition] of Object.entries(definitions)) {
    for (const gvk of definition['x-kubernetes-group-version-kind'] ?? []) {
      const schema = inline(definition, definitions, [name]);
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      if (schema.properties?.apiVersion) schema.properties.apiVersion = { ...schema.properties.apiVersion, enum: [apiVersion] };
      if (schema.properties?.kind) schema.properties.kind = { ...schema.properties.kind, enum: [gvk.kind] };
      schema.$schema = 'http://json-schema.org/schema#';
      const group = gvk.group ? `-${gvk.group.split('.')[0].toLowerCase()}` : '';
      files.set(`${gvk.kind.toLowerCase()}${group}-${gvk.version.toLowerCase()}.json`, schema);
    }
  }
  return files;
}

if (process.argv[1]?.endsWith('k8s-schemas.mjs')) {
  const [input, out] = process.argv.slice(2);
  if (!input || !out) {
    console.error('usage: k8s-schemas.mjs <swagger.json> <out-dir>');
    process.exit(2);
  }
  const files = schemasFromSwagger(JSON.parse(readFileSync(input, 'utf8')));
  mkdirSync(out, { recursive: true });
  for (const [file, schema] of files) writeFileSync(join(out, file), JSON.stringify(schema));
  console.log(`${files.size} schemas written to ${out}`);
}
