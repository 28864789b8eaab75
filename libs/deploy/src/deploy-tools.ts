import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './config-docs';

/** Paths of the Go tools and schemas that scripts/infra/k8s-tools.sh builds or finds in its cache. */
export interface DeployTools {
  kustomize: string;
  kubeconform: string;
  yq: string;
  /** scripts/deploy/compose-check: loads a Compose file with compose-go, as `docker compose config` does. */
  composeCheck: string;
  kubernetesVersion: string;
  schemaLocation: string;
}

/** The repository root. */
export const repoRoot: string = REPO_ROOT;

/** Kubernetes object as rendered by kustomize (only the fields the checks read are typed). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
}

/** Runs scripts/infra/k8s-tools.sh (`go install`/`go build` on first use, minutes; cached after) and reads its KEY=value lines. */
export function deployTools(): DeployTools {
  const out = execFileSync('bash', [join(repoRoot, 'scripts/infra/k8s-tools.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const values = Object.fromEntries(out.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  const need = (key: string): string => {
    const value = values[key];
    if (!value) throw new Error(`scripts/infra/k8s-tools.sh printed no ${key}`);
    return value;
  };
  return { kustomize: need('KUSTOMIZE_BIN'), kubeconform: need('KUBECONFORM_BIN'), yq: need('YQ_BIN'), composeCheck: need('COMPOSE_CHECK_BIN'), kubernetesVersion: need('K8S_VERSION'), schemaLocation: need('K8S_SCHEMA_LOCATION') };
}

/** deploy/compose/compose.yaml as JSON, anchors and merge keys resolved as the YAML spec says (as Compose does). */
export function readCompose(tools: DeployTools): { services: Record<string, ComposeService> } {
  const json = execFileSync(tools.yq, ['--yaml-fix-merge-anchor-to-spec=true', '-o=json', 'explode(.)', join(repoRoot, 'deploy/compose/compose.yaml')], { encoding: 'utf8' });
  return JSON.parse(json) as { services: Record<string, ComposeService> };
}

/** The fields of a Compose service the checks read. */
export interface ComposeService {
  image?: string;
  environment?: Record<string, string | number | boolean | null>;
  expose?: Array<string | number>;
  ports?: Array<string | number>;
  healthcheck?: { test?: string[] };
}

/** `kustomize build <dir>` as YAML text. */
export function kustomizeBuild(tools: DeployTools, dir: string): string {
  return execFileSync(tools.kustomize, ['build', join(repoRoot, dir)], { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
}

/** A multi-document YAML text as an array of objects. */
export function yamlDocuments(tools: DeployTools, yaml: string): K8sObject[] {
  const json = execFileSync(tools.yq, ['ea', '-o=json', '[.]', '-'], { input: yaml, encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
  return JSON.parse(json) as K8sObject[];
}

/** Ports a Dockerfile EXPOSEs, as numbers. */
export function dockerfileExpose(app: string): number[] {
  const text = readFileSync(join(repoRoot, 'apps', app, 'Dockerfile'), 'utf8');
  return [...text.matchAll(/^EXPOSE\s+(.+)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/)).map((p) => Number(p.split('/')[0]));
}

/** The gRPC service name a Dockerfile's HEALTHCHECK asks the probe about ('' for the whole server). */
export function dockerfileHealthService(app: string): string | undefined {
  const text = readFileSync(join(repoRoot, 'apps', app, 'Dockerfile'), 'utf8');
  return /grpc-health-probe\.mjs", "([^"]*)"\]/.exec(text)?.[1];
}
