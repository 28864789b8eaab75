// The manifests against the code: every CHAT_* key each deployable reads
// (from its own --help, i.e. its main.ts module list and their config
// schemas) must be set in Compose and in every Kubernetes overlay; images
// expose the ports the apps listen on; docs/deploy.md's key tables are current.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectHelp, parseHelp, renderConfigDocs, SERVICE_APPS, spliceConfigDocs, type HelpSection } from './config-docs';
import {
  ALLOWED_UNSET,
  composeKeys,
  DIRECT_READS_ALLOWED_UNSET,
  directEnvReads,
  findWorkload,
  KNOWN_MISSING_MODULES,
  keysRead,
  missingModules,
  PROCESS_KEYS_OUTSIDE_SCHEMAS,
  REQUIRED_VALUES,
  unsetKeys,
  workloadEnv,
} from './deploy-keys';
import { deployTools, dockerfileExpose, kustomizeBuild, readCompose, repoRoot, yamlDocuments, type ComposeService, type DeployTools, type K8sObject } from './deploy-tools';

const ALL_APPS = [...SERVICE_APPS, 'server'];
const KUSTOMIZATIONS = ['deploy/k8s/base', 'deploy/k8s/overlays/small', 'deploy/k8s/overlays/large'];

let tools: DeployTools;
const helps: Record<string, string> = {};
const sections: Record<string, HelpSection[]> = {};
let compose: { services: Record<string, ComposeService> };
const rendered: Record<string, K8sObject[]> = {};

/** Keys an app should read once its known-missing modules are wired (taken from another app that runs them). */
function keysIncludingKnownMissing(app: string): Set<string> {
  const keys = keysRead(sections[app]!);
  for (const module of KNOWN_MISSING_MODULES[app] ?? []) {
    const donor = ALL_APPS.map((other) => sections[other]!.find((s) => s.module === module)).find(Boolean);
    for (const setting of donor?.settings ?? []) keys.add(setting.key);
  }
  return keys;
}

beforeAll(async () => {
  tools = deployTools();
  const texts = await Promise.all(ALL_APPS.map((app) => collectHelp(app)));
  ALL_APPS.forEach((app, i) => {
    helps[app] = texts[i]!;
    sections[app] = parseHelp(texts[i]!);
  });
  compose = readCompose(tools);
  for (const dir of KUSTOMIZATIONS) rendered[dir] = yamlDocuments(tools, kustomizeBuild(tools, dir));
}, 1_200_000); // first run on a fresh machine: go install of kustomize, kubeconform and yq (about 5 min here) + the schemas

describe('each deployable', () => {
  it.each(ALL_APPS)('%s: --help lists its modules and their keys', (app) => {
    const modules = sections[app]!.map((s) => s.module);
    expect(modules[0]).toBe('process');
    expect(modules).toContain('grpc-server');
    expect(keysRead(sections[app]!).size).toBeGreaterThanOrEqual(6);
  });

  it.each(ALL_APPS)('%s: every module a module needs is in its main.ts (or pinned in KNOWN_MISSING_MODULES)', (app) => {
    expect(missingModules(sections[app]!)).toEqual([...(KNOWN_MISSING_MODULES[app] ?? [])].sort());
  });

  it.each(ALL_APPS)('%s: its image EXPOSEs exactly the default ports of its port settings', (app) => {
    const defaults = sections[app]!.flatMap((s) => s.settings).filter((s) => s.unit === 'port').map((s) => Number(s.default.replace(/`/g, '')));
    expect(dockerfileExpose(app).sort()).toEqual(defaults.sort());
  });
});

describe('what each image holds and what its code reads outside the schemas', () => {
  interface Closure { workspaces: string[]; dependencies: Record<string, string>; files: string[] }
  const closure = (app: string): Closure =>
    JSON.parse(execFileSync(process.execPath, [join(repoRoot, 'scripts/deploy/app-manifest.mjs'), app, '--json'], { encoding: 'utf8' })) as Closure;

  it.each(ALL_APPS)('%s: the pruned image manifest has tsx and the probe\'s packages and no dev tooling', (app) => {
    const { dependencies, files } = closure(app);
    const names = Object.keys(dependencies);
    expect(names).toEqual(expect.arrayContaining(['tsx', '@grpc/grpc-js', 'grpc-health-check']));
    for (const dev of ['vitest', 'testcontainers', 'nx', 'eslint', 'typescript', 'discord.js']) expect(names).not.toContain(dev);
    expect(files.some((file) => file.endsWith('.spec.ts'))).toBe(false);
  });

  it('voice, which stores nothing, gets no database or search client', () => {
    const names = Object.keys(closure('voice').dependencies);
    for (const client of ['cassandra-driver', 'better-sqlite3', '@elastic/elasticsearch', 'kafkajs']) expect(names).not.toContain(client);
  });

  it.each(SERVICE_APPS)('%s: every key its code reads straight from the environment is set by the manifests or allowed unset', (app) => {
    const direct = new Set(closure(app).files.flatMap((file) => directEnvReads(readFileSync(join(repoRoot, file), 'utf8'))));
    expect(direct.size).toBeGreaterThan(0);
    const unknown = [...direct].filter((key) => !(key in PROCESS_KEYS_OUTSIDE_SCHEMAS) && !(key in DIRECT_READS_ALLOWED_UNSET) && !keysRead(sections[app]!).has(key));
    expect(unknown, `keys ${app}'s code reads from process.env outside any config schema: set them in the manifests (PROCESS_KEYS_OUTSIDE_SCHEMAS) or allow them with a reason`).toEqual([]);
  });
});

describe('Compose sets every key each service reads', () => {
  it.each(SERVICE_APPS)('%s', (app) => {
    const service = compose.services[app];
    expect(service, `compose.yaml has no service ${app}`).toBeDefined();
    const set = composeKeys(service!);
    const read = keysRead(sections[app]!);
    expect(unsetKeys(read, new Set(set.keys())), `keys ${app} reads that compose.yaml does not set`).toEqual([]);
    for (const key of Object.keys(PROCESS_KEYS_OUTSIDE_SCHEMAS)) expect(set.has(key), `${app} sets ${key}`).toBe(true);
    for (const [key, value] of Object.entries(REQUIRED_VALUES)) if (read.has(key)) expect(set.get(key), `${app} ${key}`).toBe(value);
    const known = keysIncludingKnownMissing(app);
    const unread = [...set.keys()].filter((key) => !known.has(key) && !(key in PROCESS_KEYS_OUTSIDE_SCHEMAS));
    expect(unread, `keys compose.yaml sets for ${app} that it never reads (typo or stale)`).toEqual([]);
  });

  it('fails when a key a service reads is removed from its environment', () => {
    const guild = compose.services['guild']!;
    const without = new Map(composeKeys(guild));
    without.delete('CHAT_GUILD_NODES');
    without.delete('CHAT_SCYLLA_KEYSPACE');
    expect(unsetKeys(keysRead(sections['guild']!), new Set(without.keys()))).toEqual(['CHAT_GUILD_NODES', 'CHAT_SCYLLA_KEYSPACE']);
  });

  it('the allow-list is short and every entry is a key some service reads', () => {
    const all = new Set(SERVICE_APPS.flatMap((app) => [...keysRead(sections[app]!)]));
    expect(Object.keys(ALLOWED_UNSET).length).toBeLessThanOrEqual(5);
    for (const key of Object.keys(ALLOWED_UNSET)) expect(all.has(key), key).toBe(true);
  });
});

describe.each(KUSTOMIZATIONS)('Kubernetes %s sets every key each service reads', (dir) => {
  it.each(SERVICE_APPS)('%s', (app) => {
    const objects = rendered[dir]!;
    const workload = findWorkload(objects, app);
    expect(workload, `${dir} has no Deployment or StatefulSet ${app}`).toBeDefined();
    const env = workloadEnv(objects, workload!);
    const read = keysRead(sections[app]!);
    expect(unsetKeys(read, new Set(env.keys())), `keys ${app} reads that ${dir} does not set`).toEqual([]);
    for (const key of Object.keys(PROCESS_KEYS_OUTSIDE_SCHEMAS)) expect(env.has(key), `${app} sets ${key}`).toBe(true);
    for (const [key, value] of Object.entries(REQUIRED_VALUES)) if (read.has(key)) expect(env.get(key), `${app} ${key}`).toBe(value);
  });

  it('every key of a ConfigMap a service uses is read by one of the services using it', () => {
    const objects = rendered[dir]!;
    const readers = new Map<string, Set<string>>();
    for (const app of SERVICE_APPS) {
      const workload = findWorkload(objects, app)!;
      const container = (workload.spec as { template: { spec: { containers: Array<{ envFrom?: Array<{ configMapRef?: { name: string } }> }> } } }).template.spec.containers[0]!;
      for (const ref of container.envFrom ?? []) {
        const name = ref.configMapRef?.name;
        if (name) readers.set(name, new Set([...(readers.get(name) ?? []), app]));
      }
    }
    expect(readers.size).toBeGreaterThan(0);
    for (const [name, apps] of readers) {
      const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name)!;
      const known = new Set([...apps].flatMap((app) => [...keysIncludingKnownMissing(app)]));
      const unread = Object.keys(map.data ?? {}).filter((key) => !known.has(key) && !(key in PROCESS_KEYS_OUTSIDE_SCHEMAS));
      expect(unread, `ConfigMap ${name} keys that none of ${[...apps].join(', ')} reads`).toEqual([]);
    }
  });
});

describe('docs/deploy.md', () => {
  it('lists every key of every service with its default and unit, as the code has them now', () => {
    const current = readFileSync(join(repoRoot, 'docs/deploy.md'), 'utf8');
    const expected = spliceConfigDocs(current, renderConfigDocs(helps));
    expect(current, 'run: node --import tsx scripts/deploy/config-docs.mjs').toBe(expected);
    for (const app of SERVICE_APPS) for (const key of keysRead(sections[app]!)) expect(current).toContain(`\`${key}\``);
  });
});
