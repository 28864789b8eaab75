import type { HelpSection } from './config-docs';
import type { ComposeService, K8sObject } from './deploy-tools';

/**
 * Keys a service reads that the manifests may leave unset, each with the
 * reason its default is right for a deployment. Keep it short: every other
 * key a service reads must be set explicitly in Compose and in Kubernetes.
 */
export const ALLOWED_UNSET: Readonly<Record<string, string>> = {
  CHAT_BUS_MEMORY_PARTITIONS: 'read by the in-memory bus adapter only; every manifest sets CHAT_BUS=kafka',
  CHAT_SQLITE_PATH: 'read by the SQLite store (and for the SQLite search file beside it) only; manifests set CHAT_STORE=scylla and CHAT_SEARCH_BACKEND=elasticsearch',
  CHAT_OBJECT_STORE_DIR: 'read by the disk object store only; manifests set CHAT_OBJECT_STORE=s3 (bytes every api pod shares)',
  CHAT_SEARCH_SQLITE_PATH: 'read by the SQLite FTS5 search backend only; manifests set CHAT_SEARCH_BACKEND=elasticsearch',
};

/** The adapter choices the allow-list relies on: when a service reads the key, the manifest must set this value. */
export const REQUIRED_VALUES: Readonly<Record<string, string>> = {
  CHAT_BUS: 'kafka',
  CHAT_STORE: 'scylla',
  CHAT_SEARCH_BACKEND: 'elasticsearch',
  CHAT_OBJECT_STORE: 's3',
};

/** Keys read outside any config schema (so absent from --help), which every process reads. */
export const PROCESS_KEYS_OUTSIDE_SCHEMAS: Readonly<Record<string, string>> = {
  CHAT_LOG_LEVEL: 'libs/platform/observability/src/logger.ts reads it from process.env',
};

/**
 * Keys the code reads straight from the environment (not through a config
 * schema) that the manifests may leave unset, each with its reason. Any other
 * direct read must be in PROCESS_KEYS_OUTSIDE_SCHEMAS, which the manifests set.
 */
export const DIRECT_READS_ALLOWED_UNSET: Readonly<Record<string, string>> = {
  CHAT_TARGET: "default of --target; each service image's main.ts fixes its own target",
  CHAT_CONFIG_FILE: 'default of --config; the manifests configure through the environment only',
  CHAT_GRPC_IN_PROCESS: 'default on: only calls to a gRPC server in the same process skip HTTP/2, and each service runs alone in its container',
};

const DIRECT_READ = /\b(?:process\.env|env)(?:\.|\[\s*['"])(CHAT_[A-Z0-9_]+)/g;

/** CHAT_* keys read straight from an environment object (`process.env.X`, `env['X']`) in some source text. */
export function directEnvReads(source: string): string[] {
  return [...new Set([...source.matchAll(DIRECT_READ)].map((match) => match[1]!))].sort();
}

/**
 * Modules an app's main.ts leaves out although a module it runs needs them
 * (`--help` shows "needs ..."). Pinned so the test notices when it is fixed;
 * the manifests already set the missing module's keys.
 */
export const KNOWN_MISSING_MODULES: Readonly<Record<string, readonly string[]>> = {};

/** Every CHAT_* key an app's modules read, from its parsed --help. */
export function keysRead(sections: readonly HelpSection[]): Set<string> {
  return new Set(sections.flatMap((section) => section.settings.map((setting) => setting.key)));
}

/** Modules some section needs that no section of the same help provides. */
export function missingModules(sections: readonly HelpSection[]): string[] {
  const present = new Set(sections.map((section) => section.module));
  return [...new Set(sections.flatMap((section) => section.needs))].filter((module) => !present.has(module)).sort();
}

/** Keys read but not set and not allowed to be unset, sorted. */
export function unsetKeys(read: ReadonlySet<string>, set: ReadonlySet<string>): string[] {
  return [...read].filter((key) => !set.has(key) && !(key in ALLOWED_UNSET)).sort();
}

/** The CHAT_* keys a Compose service sets. */
export function composeKeys(service: ComposeService): Map<string, string> {
  return new Map(
    Object.entries(service.environment ?? {})
      .filter(([key]) => key.startsWith('CHAT_'))
      .map(([key, value]) => [key, value === null ? '' : String(value)]),
  );
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string } };
}

interface Container {
  name: string;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  readinessProbe?: { grpc?: { port: number; service?: string } };
  livenessProbe?: { grpc?: { port: number; service?: string } };
  startupProbe?: { grpc?: { port: number; service?: string } };
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
}

/** The pod spec of a Deployment, StatefulSet or Job. */
export function podSpec(object: K8sObject): { containers: Container[]; terminationGracePeriodSeconds?: number } {
  const template = (object.spec as { template?: { spec?: { containers: Container[]; terminationGracePeriodSeconds?: number } } } | undefined)?.template;
  if (!template?.spec) throw new Error(`${object.kind}/${object.metadata.name} has no pod template`);
  return template.spec;
}

/** Finds the one object of a kind and name. */
export function findObject(objects: readonly K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((object) => object.kind === kind && object.metadata.name === name);
}

/** The workload (Deployment or StatefulSet) named after an app. */
export function findWorkload(objects: readonly K8sObject[], app: string): K8sObject | undefined {
  return objects.find((object) => (object.kind === 'Deployment' || object.kind === 'StatefulSet') && object.metadata.name === app);
}

/**
 * The environment a workload's first container gets: ConfigMap keys through
 * envFrom (later refs win, as in Kubernetes), then env entries (a fieldRef
 * value is shown as `fieldRef:<path>`, a Secret's as `secretKeyRef:<secret>/<key>`).
 */
export function workloadEnv(objects: readonly K8sObject[], workload: K8sObject): Map<string, string> {
  const container = podSpec(workload).containers[0];
  if (!container) throw new Error(`${workload.metadata.name} has no container`);
  const env = new Map<string, string>();
  for (const ref of container.envFrom ?? []) {
    const name = ref.configMapRef?.name;
    if (!name) continue;
    const map = findObject(objects, 'ConfigMap', name);
    if (!map) throw new Error(`${workload.metadata.name} reads ConfigMap ${name}, which the manifests do not define`);
    for (const [key, value] of Object.entries(map.data ?? {})) env.set(key, value);
  }
  for (const entry of container.env ?? []) {
    const from = entry.valueFrom;
    env.set(entry.name, entry.value ?? (from?.fieldRef ? `fieldRef:${from.fieldRef.fieldPath}` : from?.secretKeyRef ? `secretKeyRef:${from.secretKeyRef.name}/${from.secretKeyRef.key}` : ''));
  }
  return env;
}

/** The first container of a workload, typed for the checks. */
export function firstContainer(workload: K8sObject): Container {
  const container = podSpec(workload).containers[0];
  if (!container) throw new Error(`${workload.metadata.name} has no container`);
  return container;
}
