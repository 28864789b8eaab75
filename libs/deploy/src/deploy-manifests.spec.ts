// The Kubernetes manifests validate against the Kubernetes API schemas
// (kubeconform, strict), and images, Compose and Kubernetes agree on ports,
// health checks, rings, snowflake ids, the public entry points and the
// gateway's drain.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_APPS } from './config-docs';
import { findObject, findWorkload, firstContainer, podSpec, workloadEnv } from './deploy-keys';
import { deployTools, dockerfileExpose, dockerfileHealthService, kustomizeBuild, readCompose, repoRoot, yamlDocuments, type ComposeService, type DeployTools, type K8sObject } from './deploy-tools';

const KUSTOMIZATIONS = ['deploy/k8s/base', 'deploy/k8s/overlays/small', 'deploy/k8s/overlays/large'];
/** Services whose instances form a ring under stable ids, so they run as StatefulSets. */
const RING_APPS = ['guild', 'data-service', 'read-states', 'voice', 'gateway'];
/** The label a StatefulSet gives each pod: its ordinal, the only per-pod number Kubernetes hands out. */
const POD_INDEX = "fieldRef:metadata.labels['apps.kubernetes.io/pod-index']";
const PORT_KEYS = ['CHAT_GRPC_PORT', 'CHAT_OPS_PORT', 'CHAT_HTTP_PORT', 'CHAT_VOICE_WS_PORT', 'CHAT_VOICE_UDP_PORT'];
/** "50000/udp" -> "50000/udp", "8443" -> "8443/tcp": a port with its protocol, as Dockerfile EXPOSE and Compose write it. */
const withProtocol = (port: string | number): string => (String(port).includes('/') ? String(port).toLowerCase() : `${String(port)}/tcp`);
/** The image's EXPOSE entries as port/protocol. */
const exposedWithProtocol = (app: string): string[] => [...readFileSync(join(repoRoot, 'apps', app, 'Dockerfile'), 'utf8').matchAll(/^EXPOSE\s+(.+)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/)).map(withProtocol).sort();

let tools: DeployTools;
const yaml: Record<string, string> = {};
const rendered: Record<string, K8sObject[]> = {};
let compose: { services: Record<string, ComposeService> };

beforeAll(() => {
  tools = deployTools();
  for (const dir of KUSTOMIZATIONS) {
    yaml[dir] = kustomizeBuild(tools, dir);
    rendered[dir] = yamlDocuments(tools, yaml[dir]);
  }
  compose = readCompose(tools);
}, 1_200_000); // first run on a fresh machine: go install of kustomize, kubeconform and yq (about 5 min here) + the schemas

interface KubeconformResult {
  resources: Array<{ filename: string; kind: string; name: string; status: string; msg: string }>;
  summary: { valid: number; invalid: number; errors: number; skipped: number };
}

/** kubeconform -strict on YAML text; returns its JSON report (it exits non-zero when something is invalid). */
function kubeconform(text: string): KubeconformResult {
  const args = ['-strict', '-summary', '-output', 'json', '-kubernetes-version', tools.kubernetesVersion, '-schema-location', tools.schemaLocation, '-'];
  try {
    return JSON.parse(execFileSync(tools.kubeconform, args, { input: text, encoding: 'utf8' })) as KubeconformResult;
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout;
    if (stdout) return JSON.parse(stdout) as KubeconformResult;
    throw error;
  }
}

describe.each(KUSTOMIZATIONS)('kubeconform %s', (dir) => {
  it('every rendered object is valid for Kubernetes (strict: no unknown fields), none skipped', () => {
    const result = kubeconform(yaml[dir]!);
    const problems = result.resources.filter((r) => r.status !== 'statusValid').map((r) => `${r.kind}/${r.name}: ${r.status} ${r.msg}`);
    expect(problems).toEqual([]);
    expect(result.summary).toEqual({ valid: rendered[dir]!.length, invalid: 0, errors: 0, skipped: 0 });
  });
});

describe('kubeconform itself', () => {
  it('rejects a misspelt field and a wrong type, so a pass means something', () => {
    const bad = yaml['deploy/k8s/base']!.replace('containerPort: 50051', 'containerPrt: 50051').replace(/maxUnavailable: 1/, 'maxUnavailable: [1]');
    const result = kubeconform(bad);
    expect(result.summary.invalid).toBeGreaterThanOrEqual(2);
    expect(result.resources.map((r) => r.msg).join('\n')).toMatch(/containerPrt/);
  });
});

describe.each(SERVICE_APPS)('%s: image, Compose and Kubernetes agree', (app) => {
  it('Compose exposes the image\'s ports and configures the app to listen on them', () => {
    const exposed = dockerfileExpose(app).sort();
    const service = compose.services[app]!;
    const declared = [...(service.expose ?? []), ...(service.ports ?? []).map((p) => String(p).split(':').pop()!)].map(withProtocol);
    expect([...new Set(declared)].sort()).toEqual(exposedWithProtocol(app));
    expect([...new Set(declared.map((p) => Number(p.split('/')[0])))].sort()).toEqual(exposed);
    const env = service.environment ?? {};
    const listening = PORT_KEYS.filter((key) => env[key] !== undefined).map((key) => Number(env[key]));
    expect(listening.sort()).toEqual(exposed);
  });

  it('Compose health check asks the same gRPC service as the image\'s HEALTHCHECK', () => {
    const test = compose.services[app]!.healthcheck?.test ?? [];
    expect(test.slice(0, 2)).toEqual(['CMD', 'node']);
    expect(test[3]).toBe(dockerfileHealthService(app));
  });

  it.each(KUSTOMIZATIONS)('%s: container ports, the ports the config sets, Service ports and gRPC probes match the image', (dir) => {
    const objects = rendered[dir]!;
    const workload = findWorkload(objects, app)!;
    const container = firstContainer(workload);
    const exposed = dockerfileExpose(app).sort();
    expect((container.ports ?? []).map((p) => p.containerPort).sort()).toEqual(exposed);
    expect((container.ports ?? []).map((p) => `${p.containerPort}/${((p as { protocol?: string }).protocol ?? 'TCP').toLowerCase()}`).sort()).toEqual(exposedWithProtocol(app));
    const env = workloadEnv(objects, workload);
    expect(PORT_KEYS.filter((key) => env.has(key)).map((key) => Number(env.get(key))).sort()).toEqual(exposed);
    const service = findObject(objects, 'Service', app)!;
    const portNames = new Set((container.ports ?? []).map((p) => p.name));
    for (const port of (service.spec as { ports: Array<{ targetPort: string | number }> }).ports) expect(portNames.has(String(port.targetPort)), String(port.targetPort)).toBe(true);
    const grpcPort = Number(env.get('CHAT_GRPC_PORT'));
    for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
      expect(probe?.grpc).toEqual({ port: grpcPort, service: dockerfileHealthService(app) });
    }
  });

  it.each(KUSTOMIZATIONS)('%s: a PodDisruptionBudget and resource requests', (dir) => {
    const objects = rendered[dir]!;
    const pdb = findObject(objects, 'PodDisruptionBudget', app);
    expect(pdb?.spec).toMatchObject({ selector: { matchLabels: { 'app.kubernetes.io/name': app } } });
    const resources = (podSpec(findWorkload(objects, app)!).containers[0] as unknown as { resources: { requests: Record<string, string> } }).resources;
    expect(Object.keys(resources.requests).sort()).toEqual(['cpu', 'memory']);
  });
});

describe.each(KUSTOMIZATIONS)('%s: rings, autoscaling, drain', (dir) => {
  it('ring services run as StatefulSets whose pods take their node id from the pod name', () => {
    const objects = rendered[dir]!;
    for (const app of RING_APPS) {
      const workload = findWorkload(objects, app)!;
      expect(workload.kind, app).toBe('StatefulSet');
      expect((workload.spec as { serviceName: string }).serviceName).toBe(app);
      expect((findObject(objects, 'Service', app)!.spec as { clusterIP?: string }).clusterIP, `${app} headless Service`).toBe('None');
      expect(workloadEnv(objects, workload).get('CHAT_NODE_ID')).toBe('fieldRef:metadata.name');
    }
    expect(workloadEnv(objects, findWorkload(objects, 'guild')!).get('CHAT_GUILD_NODE_ID')).toBe('fieldRef:metadata.name');
  });

  it('each ring list names exactly the pods of its StatefulSet, by their stable DNS names', () => {
    const objects = rendered[dir]!;
    const gatewayEnv = workloadEnv(objects, findWorkload(objects, 'gateway')!);
    const apiEnv = workloadEnv(objects, findWorkload(objects, 'api')!);
    const lists: Array<[string, string, Map<string, string>]> = [
      ['guild', 'CHAT_GUILD_NODES', workloadEnv(objects, findWorkload(objects, 'guild')!)],
      ['guild', 'CHAT_GATEWAY_GUILD_NODES', gatewayEnv],
      ['guild', 'CHAT_API_GUILD_NODES', apiEnv],
      ['data-service', 'CHAT_API_DATA_NODES', apiEnv],
      ['read-states', 'CHAT_READ_STATES_NODES', workloadEnv(objects, findWorkload(objects, 'read-states')!)],
      ['read-states', 'CHAT_GATEWAY_READ_STATES_NODES', gatewayEnv],
      ['read-states', 'CHAT_API_READ_STATES_NODES', apiEnv],
    ];
    for (const [app, key, env] of lists) {
      const replicas = (findWorkload(objects, app)!.spec as { replicas: number }).replicas;
      const expected = Array.from({ length: replicas }, (_, i) => `${app}-${i}=${app}-${i}.${app}:50051`).join(',');
      expect(env.get(key), `${key} in ${dir}`).toBe(expected);
    }
  });

  it('HorizontalPodAutoscalers scale the api, the gateway and the search indexer only, and the api stays within 32 snowflake process ids', () => {
    const objects = rendered[dir]!;
    const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name).sort()).toEqual(['api', 'gateway', 'search-indexer']);
    for (const app of ['api', 'gateway']) {
      const hpa = findObject(objects, 'HorizontalPodAutoscaler', app)!.spec as { minReplicas: number; maxReplicas: number; scaleTargetRef: { kind: string } };
      // The gateway issues no snowflakes; its ceiling is capacity, not process ids.
      if (app === 'api') expect(hpa.maxReplicas, app).toBeLessThanOrEqual(32);
      expect(hpa.minReplicas, app).toBeGreaterThanOrEqual(app === 'api' ? 2 : 1);
      expect(hpa.scaleTargetRef.kind, app).toBe('StatefulSet');
    }
  });

  it('every pod that issues snowflakes has a worker id of its service\'s own and a process id no other pod of it has', () => {
    const objects = rendered[dir]!;
    const workers = new Map<string, string>();
    for (const app of SERVICE_APPS) {
      const workload = findWorkload(objects, app)!;
      const env = workloadEnv(objects, workload);
      if (!env.has('CHAT_SNOWFLAKE_WORKER_ID')) continue;
      const worker = env.get('CHAT_SNOWFLAKE_WORKER_ID')!;
      expect(workers.get(worker), `${app} and ${workers.get(worker)} share worker id ${worker}`).toBeUndefined();
      workers.set(worker, app);
      // A Deployment gives its pods no distinct small number; the StatefulSet's pod index is 0..31 up to 32 pods.
      expect(workload.kind, app).toBe('StatefulSet');
      expect(env.get('CHAT_SNOWFLAKE_PROCESS_ID'), app).toBe(POD_INDEX);
    }
    expect([...workers.values()].sort()).toEqual(['api', 'data-service', 'read-states']);
  });

  it('the API reaches every gateway pod through the gateway StatefulSet\'s headless Service and hands out the gateway\'s public URL', () => {
    const objects = rendered[dir]!;
    const apiEnv = workloadEnv(objects, findWorkload(objects, 'api')!);
    expect(apiEnv.get('CHAT_API_GATEWAY_NODES')).toBe('dns:gateway:50051');
    const gatewayService = findObject(objects, 'Service', 'gateway')!.spec as { clusterIP?: string; ports: Array<{ port: number }> };
    expect(gatewayService.clusterIP).toBe('None');
    expect(gatewayService.ports.map((p) => p.port)).toContain(50051);
    const gatewayUrl = workloadEnv(objects, findWorkload(objects, 'gateway')!).get('CHAT_GATEWAY_PUBLIC_URL');
    expect(gatewayUrl).toMatch(/^wss:\/\//);
    expect(apiEnv.get('CHAT_API_GATEWAY_URL')).toBe(gatewayUrl);
  });

  it('two public entry points: api-public to the api pods\' HTTP port, gateway-public to the gateways\'', () => {
    const objects = rendered[dir]!;
    const publics = objects.filter((o) => o.kind === 'Service' && (o.spec as { type?: string }).type === 'LoadBalancer');
    expect(publics.map((o) => o.metadata.name).sort()).toEqual(['api-public', 'gateway-public']);
    for (const [name, app] of [['api-public', 'api'], ['gateway-public', 'gateway']] as const) {
      const spec = findObject(objects, 'Service', name)!.spec as { selector: Record<string, string>; ports: Array<{ targetPort: string | number }> };
      expect(spec.selector).toEqual({ 'app.kubernetes.io/name': app });
      expect(spec.ports.map((p) => p.targetPort)).toEqual(['http']);
      expect((firstContainer(findWorkload(objects, app)!).ports ?? []).find((p) => p.name === 'http')?.containerPort).toBe(8080);
    }
  });

  it('api pods leave the endpoints before SIGTERM and stop within their grace period', () => {
    const objects = rendered[dir]!;
    const workload = findWorkload(objects, 'api')!;
    const command = firstContainer(workload).lifecycle?.preStop?.exec?.command ?? [];
    expect(command[0]).toBe('sleep');
    const stopMs = Number(workloadEnv(objects, workload).get('CHAT_STOP_TIMEOUT_MS'));
    expect(podSpec(workload).terminationGracePeriodSeconds).toBeGreaterThanOrEqual(Number(command[1]) + stopMs / 1000 + 10);
  });

  it('gateway pods leave the endpoints, then drain with RECONNECT within their grace period', () => {
    const objects = rendered[dir]!;
    const workload = findWorkload(objects, 'gateway')!;
    const spec = podSpec(workload);
    const command = firstContainer(workload).lifecycle?.preStop?.exec?.command ?? [];
    expect(command[0]).toBe('sleep');
    const preStopSeconds = Number(command[1]);
    const graceMs = Number(workloadEnv(objects, workload).get('CHAT_GRPC_SHUTDOWN_GRACE_MS'));
    expect(preStopSeconds).toBeGreaterThan(0);
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStopSeconds + graceMs / 1000 + 10);
  });

  it('a Job applies the Scylla schema with the store\'s contact points and keyspace', () => {
    const objects = rendered[dir]!;
    const job = findObject(objects, 'Job', 'scylla-migrate')!;
    const container = podSpec(job).containers[0] as unknown as { command: string[]; args: string[] };
    expect(container.command.join(' ')).toBe('node --import tsx libs/store/src/scylla/migrate.ts');
    expect(container.args).toContain('--contact-points=$(CHAT_SCYLLA_CONTACT_POINTS)');
    const env = workloadEnv(objects, job);
    expect(env.get('CHAT_SCYLLA_KEYSPACE')).toBe('chat');
  });
});

describe('Compose file', () => {
  const load = (file: string): { ok: boolean; out: string } => {
    try {
      return { ok: true, out: execFileSync(tools.composeCheck, [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
    } catch (error) {
      return { ok: false, out: String((error as { stderr?: string }).stderr ?? error) };
    }
  };

  it('loads with compose-go (the compose-spec schema, interpolation, references), as `docker compose config` would', () => {
    const result = load(join(repoRoot, 'deploy/compose/compose.yaml'));
    expect(result.out.startsWith('{') ? '' : result.out).toBe('');
    expect(result.ok).toBe(true);
    const project = JSON.parse(result.out) as { services: Record<string, { environment?: Record<string, string> }> };
    expect(Object.keys(project.services).sort()).toEqual(Object.keys(compose.services).sort());
    for (const app of SERVICE_APPS) expect(project.services[app]!.environment, app).toEqual(Object.fromEntries(Object.entries(compose.services[app]!.environment ?? {}).map(([k, v]) => [k, String(v)])));
  });

  it('a dependency on an undefined service is rejected, so a pass means something', () => {
    const text = readFileSync(join(repoRoot, 'deploy/compose/compose.yaml'), 'utf8').replace('      kafka: { condition: service_healthy }', '      kafak: { condition: service_healthy }');
    const file = join(tmpdir(), `compose-broken-${process.pid}.yaml`);
    writeFileSync(file, text);
    try {
      const result = load(file);
      expect(result.ok).toBe(false);
      expect(result.out).toMatch(/kafak/);
    } finally {
      rmSync(file, { force: true });
    }
  });
});

describe('Compose start order', () => {
  it('stores wait for the migration, the gateway and the api for the back ends they call, everything through health checks', () => {
    const deps = (name: string) => (compose.services[name] as unknown as { depends_on?: Record<string, { condition: string }> }).depends_on ?? {};
    for (const app of ['guild', 'data-service', 'read-states', 'gateway', 'api']) expect(deps(app)['scylla-migrate']?.condition, app).toBe('service_completed_successfully');
    for (const app of ['guild', 'read-states']) expect(deps('gateway')[app]?.condition, app).toBe('service_healthy');
    for (const app of ['guild', 'data-service', 'read-states', 'search-indexer', 'gateway']) expect(deps('api')[app]?.condition, app).toBe('service_healthy');
    expect(Object.keys(deps('search-indexer')).sort()).toEqual(['es-cell-a', 'es-cell-b', 'kafka']);
    for (const infra of ['kafka', 'scylla', 'es-cell-a', 'es-cell-b', 'etcd']) expect(compose.services[infra]?.healthcheck?.test, infra).toBeDefined();
  });
});

describe('Compose public ports', () => {
  it('the API on host port 8080, the gateway\'s WebSocket on 8081, and the API hands out the gateway\'s URL', () => {
    expect(compose.services['api']!.ports).toEqual(['8080:8080']);
    expect(compose.services['gateway']!.ports).toEqual(['8081:8080']);
    const gatewayUrl = compose.services['gateway']!.environment?.['CHAT_GATEWAY_PUBLIC_URL'];
    expect(gatewayUrl).toBe('ws://localhost:8081');
    expect(compose.services['api']!.environment?.['CHAT_API_GATEWAY_URL']).toBe(gatewayUrl);
    expect(compose.services['api']!.environment?.['CHAT_API_GATEWAY_NODES']).toBe('gateway-0=gateway:50051');
  });

  it('no two services that issue snowflakes share a worker id', () => {
    const workers = SERVICE_APPS.map((app) => compose.services[app]!.environment?.['CHAT_SNOWFLAKE_WORKER_ID']).filter((id) => id !== undefined).map(String);
    expect(workers.length).toBe(3);
    expect(new Set(workers).size).toBe(workers.length);
  });
});

describe('.github/CODEOWNERS', () => {
  it('names a team for every app, every service-level lib and every proto package, beyond the default rule', () => {
    const rules = readFileSync(join(repoRoot, '.github/CODEOWNERS'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
      .map((line) => line.trim().split(/\s+/));
    const owned = new Map(rules.map(([path, ...owners]) => [path!, owners]));
    // libs/platform/* fall to the default rule (the platform team) unless a rule names them.
    const dirs = [
      ...readdirSync(join(repoRoot, 'apps')).map((app) => `/apps/${app}/`),
      ...readdirSync(join(repoRoot, 'libs')).filter((lib) => lib !== 'platform').map((lib) => `/libs/${lib}/`),
      ...readdirSync(join(repoRoot, 'proto/chat')).map((pkg) => `/proto/chat/${pkg}/`),
    ];
    for (const dir of dirs) {
      expect(owned.get(dir)?.length ?? 0, `${dir} has no owner rule`).toBeGreaterThan(0);
      for (const owner of owned.get(dir)!) expect(owner).toMatch(/^@chat\/[a-z-]+-team$/);
    }
  });
});
