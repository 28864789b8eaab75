/**
 * Request validation with zod, answered as Discord does: 400 50035 Invalid
 * Form Body with an `errors` tree whose leaves name Discord's field error
 * codes (BASE_TYPE_REQUIRED, BASE_TYPE_MAX_LENGTH, ...).
 */
import { z } from 'zod';
import { invalidFormBody, type ErrorTree, type FieldError } from './errors';

/** A snowflake id on the wire: a decimal string of at most 20 digits. */
export const snowflakeSchema = z.string().regex(/^\d{1,20}$/, 'Value is not snowflake.');

/** A permission bitfield on the wire: a decimal string (numbers accepted and converted). */
export const bitfieldSchema = z.union([z.string().regex(/^\d{1,20}$/), z.number().int().nonnegative()]).transform((value) => String(value));

/**
 * Parses `body` with `schema`; throws 50035 with every field error. A
 * top-level field the schema does not know, sent with a value (not null,
 * empty or false), is refused too rather than dropped: it is a Discord field
 * this server does not support yet (components, poll, ...), and a client
 * must not believe it took effect.
 */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body);
  if (result.success) {
    refuseUnsupportedFields(schema, body);
    return result.data;
  }
  const tree: ErrorTree = {};
  for (const issue of result.error.issues) {
    let node = tree;
    for (const key of issue.path) {
      const name = String(key);
      const next = (node[name] as ErrorTree | undefined) ?? {};
      node[name] = next;
      node = next;
    }
    (node._errors ??= []).push(fieldError(issue, valueAt(body, issue.path)));
  }
  throw invalidFormBody(tree);
}

function refuseUnsupportedFields(schema: z.ZodType, body: unknown): void {
  if (!(schema instanceof z.ZodObject) || body === null || typeof body !== 'object' || Array.isArray(body)) return;
  const known = schema.shape as Record<string, unknown>;
  const tree: ErrorTree = {};
  for (const [field, value] of Object.entries(body)) {
    if (Object.hasOwn(known, field) || !carriesValue(value)) continue;
    tree[field] = { _errors: [{ code: 'BASE_TYPE_INVALID', message: 'This field is not supported by this server yet.' }] };
  }
  if (Object.keys(tree).length > 0) throw invalidFormBody(tree);
}

/** Whether a field's value asks for something: null, false, '' and empty lists or objects ask for nothing. */
function carriesValue(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** Adds a rule-between-fields failure to a superRefine, naming Discord's field error code (parseBody reports it as is). */
export function fieldIssue(ctx: z.RefinementCtx, path: (string | number)[], discordCode: string, message: string): void {
  ctx.addIssue({ code: 'custom', path, message, params: { discordCode } });
}

/** Checks a path parameter or query value is a snowflake; 50035 on the named field otherwise. */
export function snowflakeParam(value: string | null | undefined, field: string): string {
  if (value === null || value === undefined || !/^\d{1,20}$/.test(value) || BigInt(value) >= 1n << 63n) {
    throw invalidFormBody({ [field]: { _errors: [{ code: 'NUMBER_TYPE_COERCE', message: `Value "${String(value)}" is not snowflake.` }] } });
  }
  return value;
}

/** Parses an integer query parameter within [min, max]; `fallback` when absent. */
export function intQuery(query: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw invalidFormBody({ [name]: { _errors: [{ code: 'NUMBER_TYPE_COERCE', message: `Value "${raw}" is not int.` }] } });
  if (value < min || value > max) {
    throw invalidFormBody({ [name]: { _errors: [{ code: value < min ? 'NUMBER_TYPE_MIN' : 'NUMBER_TYPE_MAX', message: value < min ? `Int value should be greater than or equal to ${min}.` : `Int value should be less than or equal to ${max}.` }] } });
  }
  return value;
}

function fieldError(issue: z.core.$ZodIssue, value: unknown): FieldError {
  // A rule between fields (a superRefine) names Discord's code itself.
  if (issue.code === 'custom' && typeof issue.params?.discordCode === 'string') return { code: issue.params.discordCode, message: issue.message };
  if (value === undefined && issue.code === 'invalid_type') return { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' };
  if (issue.code === 'too_big' && issue.origin === 'string') return { code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${String(issue.maximum)} or fewer in length.` };
  if (issue.code === 'too_small' && issue.origin === 'string') return { code: 'BASE_TYPE_MIN_LENGTH', message: `Must be ${String(issue.minimum)} or more in length.` };
  if (issue.code === 'too_big' && issue.origin === 'number') return { code: 'NUMBER_TYPE_MAX', message: `Int value should be less than or equal to ${String(issue.maximum)}.` };
  if (issue.code === 'too_small' && issue.origin === 'number') return { code: 'NUMBER_TYPE_MIN', message: `Int value should be greater than or equal to ${String(issue.minimum)}.` };
  if (issue.code === 'too_big' && issue.origin === 'array') return { code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${String(issue.maximum)} or fewer in length.` };
  if (issue.code === 'too_small' && issue.origin === 'array') return { code: 'BASE_TYPE_MIN_LENGTH', message: `Must be ${String(issue.minimum)} or more in length.` };
  if (issue.code === 'invalid_value' || issue.code === 'invalid_union') return { code: 'BASE_TYPE_CHOICES', message: `Value must be one of the accepted values.` };
  if (issue.code === 'invalid_format') return { code: 'BASE_TYPE_INVALID', message: issue.message };
  return { code: 'BASE_TYPE_INVALID', message: issue.message };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
