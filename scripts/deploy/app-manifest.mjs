#!/usr/bin/env node
// Prunes the monorepo down to what one app needs, for its container image.
//
//   node scripts/deploy/app-manifest.mjs <app> <out-dir>
//   node scripts/deploy/app-manifest.mjs <app> --json   # the closure only: workspaces, packages, files
//
// Follows the imports from apps/<app>/src/main.ts (relative files and @chat/*
// workspace packages, type-only imports skipped) and writes:
//   <out>/manifest/package.json        root manifest: only the npm packages those
//                                      files import (+ tsx and the health probe's),
//                                      versions from the root package.json, and
//                                      only the workspaces reached
//   <out>/manifest/package-lock.json   the root lockfile (npm keeps its pins for
//                                      the packages that remain)
//   <out>/manifest/<ws>/package.json   each reached workspace's manifest
//   <out>/tree/...                     the reached workspaces' files (no specs),
//                                      tsconfig.base.json, the health probe and,
//                                      with @chat/store, deploy/scylla/migrations
// The Dockerfile installs from manifest/ in one layer (cached while the
// dependency set is unchanged) and copies tree/ on top.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (two levels above this file). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** npm packages every image needs whatever the app imports: the TypeScript loader and the health probe's. */
export const RUNTIME_PACKAGES = ['tsx', '@grpc/grpc-js', 'grpc-health-check'];

const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s+(type\s+)?(?:[\w*${},\s]+?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const BUILTINS = new Set(builtinModules);

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Maps every workspace package name (@chat/x) to its directory, relative to the root. */
export function workspacePackages(root = REPO_ROOT) {
  const map = new Map();
  for (const parent of ['apps', 'libs', 'libs/platform']) {
    for (const entry of readdirSync(join(root, parent))) {
      const manifest = join(root, parent, entry, 'package.json');
      if (existsSync(manifest)) map.set(readJson(manifest).name, `${parent}/${entry}`);
    }
  }
  return map;
}

function packageNameOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

function resolveFile(base) {
  for (const candidate of [base, `${base}.ts`, `${base}.mts`, `${base}.js`, `${base}.mjs`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`cannot resolve ${base}`);
}

/**
 * What apps/<app>/src/main.ts needs at run time: the workspace directories it
 * reaches, the npm packages (name -> version range) its files import, and
 * the source files themselves (relative to the root).
 */
export function appClosure(app, root = REPO_ROOT) {
  const workspaces = workspacePackages(root);
  const rootManifest = readJson(join(root, 'package.json'));
  const versions = { ...rootManifest.devDependencies, ...rootManifest.dependencies };
  const seenFiles = new Set();
  const seenWorkspaces = new Set([`apps/${app}`]);
  const external = new Set(RUNTIME_PACKAGES);
  const queue = [join(root, 'apps', app, 'src', 'main.ts')];
  if (!existsSync(queue[0])) throw new Error(`no app ${app} (apps/${app}/src/main.ts)`);
  while (queue.length > 0) {
    const file = queue.pop();
    if (seenFiles.has(file)) continue;
    seenFiles.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(IMPORT_RE)) {
      if (match[1]) continue; // import type ... from
      const specifier = match[2] ?? match[3];
      if (specifier.startsWith('.')) {
        queue.push(resolveFile(resolve(dirname(file), specifier)));
        continue;
      }
      const name = packageNameOf(specifier);
      if (specifier.startsWith('node:') || BUILTINS.has(name)) continue;
      const dir = workspaces.get(name);
      if (dir) {
        seenWorkspaces.add(dir);
        const exported = readJson(join(root, dir, 'package.json')).exports?.['.'] ?? './src/index.ts';
        queue.push(join(root, dir, exported));
        continue;
      }
      external.add(name);
    }
  }
  const dependencies = {};
  for (const name of [...external].sort()) {
    const version = versions[name];
    if (!version) throw new Error(`${name} is imported by ${app} but the root package.json does not list it`);
    dependencies[name] = version;
  }
  const files = [...seenFiles].map((file) => relative(root, file)).sort();
  return { app, workspaces: [...seenWorkspaces].sort(), dependencies, files };
}

function copyTree(from, to) {
  cpSync(from, to, {
    recursive: true,
    filter: (path) => !/\.spec\.ts$/.test(path) && !path.includes('/node_modules'),
  });
}

/** Writes manifest/ and tree/ for one app under `out` (see the header). */
export function writeAppContext(app, out, root = REPO_ROOT) {
  const closure = appClosure(app, root);
  const rootManifest = readJson(join(root, 'package.json'));
  const manifest = {
    name: `chat-${app}`,
    version: rootManifest.version,
    private: true,
    type: 'module',
    workspaces: closure.workspaces,
    dependencies: closure.dependencies,
    // npm 11 runs install scripts only for these (better-sqlite3 builds or fetches its binary in one).
    ...(rootManifest.allowScripts ? { allowScripts: rootManifest.allowScripts } : {}),
  };
  mkdirSync(join(out, 'manifest'), { recursive: true });
  writeFileSync(join(out, 'manifest', 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  cpSync(join(root, 'package-lock.json'), join(out, 'manifest', 'package-lock.json'));
  for (const dir of closure.workspaces) {
    mkdirSync(join(out, 'manifest', dir), { recursive: true });
    cpSync(join(root, dir, 'package.json'), join(out, 'manifest', dir, 'package.json'));
    copyTree(join(root, dir), join(out, 'tree', dir));
  }
  cpSync(join(root, 'tsconfig.base.json'), join(out, 'tree', 'tsconfig.base.json'));
  cpSync(join(root, 'scripts/deploy/grpc-health-probe.mjs'), join(out, 'tree', 'scripts/deploy/grpc-health-probe.mjs'));
  if (closure.workspaces.includes('libs/store')) copyTree(join(root, 'deploy/scylla/migrations'), join(out, 'tree', 'deploy/scylla/migrations'));
  return closure;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [app, out] = process.argv.slice(2);
  if (!app || !out) {
    console.error('usage: app-manifest.mjs <app> <out-dir>|--json');
    process.exit(2);
  }
  if (out === '--json') {
    console.log(JSON.stringify(appClosure(app)));
    process.exit(0);
  }
  const closure = writeAppContext(app, resolve(out));
  console.log(`${app}: ${closure.workspaces.length} workspaces, ${Object.keys(closure.dependencies).length} npm packages`);
  console.log(`  workspaces: ${closure.workspaces.map((dir) => relative('.', dir)).join(' ')}`);
  console.log(`  packages:   ${Object.keys(closure.dependencies).join(' ')}`);
}
