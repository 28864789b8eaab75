#!/usr/bin/env node
// `npm run proto [-- <command>]`: the contracts pipeline for proto/.
//
//   generate (default)  buf lint, clean libs/proto/src/gen, buf generate
//                       (ts-proto), buf build the descriptor set.
//   check | --check     buf lint, then generate and build into a temp dir and
//                       fail if the committed generated files or descriptor
//                       set differ (someone edited them by hand, or forgot to
//                       regenerate after changing a .proto).
//   breaking            buf breaking against the main branch's proto/; exits
//                       0 with a clear note when there is nothing to compare
//                       against (no git, no main branch, main has no proto/).
//   lint                buf lint only.
//
// Everything runs offline: buf comes from the @bufbuild/buf npm package and
// the ts-proto plugin from node_modules (see buf.gen.yaml).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buf = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'buf.cmd' : 'buf');
const protoDir = 'proto';
const genDir = join('libs', 'proto', 'src', 'gen');
const descriptorFile = join('libs', 'proto', 'src', 'descriptors', 'chat.binpb');
const mainBranch = 'main';
// The standard gRPC services every server carries (health, reflection): their
// descriptors come from the npm packages that implement them, so grpcurl can
// list and describe them like our own.
const standardDescriptorFile = join('libs', 'platform', 'rpc', 'src', 'descriptors', 'grpc-standard.binpb');
const standardProtos = [
  ['node_modules/grpc-health-check/proto/health/v1/health.proto', 'grpc/health/v1/health.proto'],
  ['node_modules/@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto', 'grpc/reflection/v1/reflection.proto'],
  ['node_modules/@grpc/reflection/build/proto/grpc/reflection/v1alpha/reflection.proto', 'grpc/reflection/v1alpha/reflection.proto'],
];

/** Runs a command in the repository root; returns its exit status and output. */
function run(command, args, { capture = false } = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
  });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

function step(name, message) {
  console.log(`proto ${name}: ${message}`);
}

function fail(name, message) {
  console.error(`proto ${name}: FAILED: ${message}`);
  process.exit(1);
}

function requireBuf() {
  if (!existsSync(buf)) fail('setup', `${relative(root, buf)} not found; run npm install (package @bufbuild/buf)`);
}

/** Every file below dir, as paths relative to dir with forward slashes, sorted. */
function listFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  const walk = (current) => {
    for (const entry of readdirSync(current)) {
      const full = join(current, entry);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

function protoFiles() {
  return listFiles(join(root, protoDir)).filter((file) => file.endsWith('.proto'));
}

function lint() {
  const started = Date.now();
  const result = run(buf, ['lint']);
  if (result.status !== 0) fail('lint', `buf lint found problems (exit ${result.status}); see above`);
  step('lint', `buf lint (STANDARD + COMMENTS): ${protoFiles().length} files in ${protoDir}/, no problems (${Date.now() - started} ms)`);
}

/** buf generate into `base` (the repository root, or a temp dir for --check). */
function generate(base) {
  const started = Date.now();
  const args = ['generate'];
  if (base !== root) args.push('-o', base);
  const result = run(buf, args);
  if (result.status !== 0) fail('generate', `buf generate failed (exit ${result.status}); see above`);
  const files = listFiles(join(base, genDir));
  step('generate', `ts-proto wrote ${files.length} files to ${base === root ? genDir : join(base, genDir)} (${Date.now() - started} ms)`);
  return files;
}

/** buf build: a FileDescriptorSet with imports and without source info. */
function build(outFile) {
  const started = Date.now();
  mkdirSync(dirname(outFile), { recursive: true });
  const result = run(buf, ['build', protoDir, '--as-file-descriptor-set', '--exclude-source-info', '-o', outFile]);
  if (result.status !== 0) fail('build', `buf build failed (exit ${result.status}); see above`);
  const shown = outFile.startsWith(root + sep) ? relative(root, outFile) : outFile;
  step('build', `descriptor set ${shown}: ${statSync(outFile).size} bytes, imports included, no source info (${Date.now() - started} ms)`);
}

/** buf build of the standard gRPC protos, laid out under their canonical names in a temp module. */
function buildStandard(outFile) {
  const started = Date.now();
  const temp = mkdtempSync(join(tmpdir(), 'chat-proto-std-'));
  try {
    for (const [from, to] of standardProtos) {
      mkdirSync(dirname(join(temp, to)), { recursive: true });
      writeFileSync(join(temp, to), readFileSync(join(root, from)));
    }
    mkdirSync(dirname(outFile), { recursive: true });
    const result = spawnSync(buf, ['build', '.', '--as-file-descriptor-set', '--exclude-source-info', '-o', outFile], { cwd: temp, stdio: 'inherit' });
    if (result.status !== 0) fail('build', `buf build of the standard gRPC protos failed (exit ${result.status}); see above`);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  step('build', `standard descriptor set (health, reflection): ${statSync(outFile).size} bytes (${Date.now() - started} ms)`);
}

function cmdGenerate() {
  requireBuf();
  lint();
  rmSync(join(root, genDir), { recursive: true, force: true });
  step('clean', `removed ${genDir}`);
  generate(root);
  build(join(root, descriptorFile));
  buildStandard(join(root, standardDescriptorFile));
}

function cmdCheck() {
  requireBuf();
  lint();
  const temp = mkdtempSync(join(tmpdir(), 'chat-proto-check-'));
  try {
    const fresh = generate(temp);
    build(join(temp, descriptorFile));
    buildStandard(join(temp, standardDescriptorFile));
    const committed = listFiles(join(root, genDir));
    const problems = [];
    for (const file of fresh) {
      if (!committed.includes(file)) problems.push(`missing: ${genDir}/${file}`);
      else if (!readFileSync(join(root, genDir, file)).equals(readFileSync(join(temp, genDir, file)))) {
        problems.push(`differs: ${genDir}/${file}`);
      }
    }
    for (const file of committed) if (!fresh.includes(file)) problems.push(`not generated (stray file): ${genDir}/${file}`);
    const committedSet = join(root, descriptorFile);
    if (!existsSync(committedSet)) problems.push(`missing: ${descriptorFile}`);
    else if (!readFileSync(committedSet).equals(readFileSync(join(temp, descriptorFile)))) problems.push(`differs: ${descriptorFile}`);
    const committedStandard = join(root, standardDescriptorFile);
    if (!existsSync(committedStandard)) problems.push(`missing: ${standardDescriptorFile}`);
    else if (!readFileSync(committedStandard).equals(readFileSync(join(temp, standardDescriptorFile)))) problems.push(`differs: ${standardDescriptorFile}`);
    if (problems.length > 0) {
      for (const problem of problems) console.error(`  ${problem}`);
      fail('check', `${problems.length} generated file(s) do not match proto/; generated code is never edited by hand: run \`npm run proto\` and commit the result`);
    }
    step('check', `${fresh.length} generated files and the descriptor set match proto/`);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** Why there is nothing to compare against, or the buf git input to compare with. */
function breakingBaseline() {
  let inside;
  try {
    inside = run('git', ['rev-parse', '--is-inside-work-tree'], { capture: true });
  } catch (error) {
    return { skip: `git is not available (${error.code ?? error.message}), so there is no main branch to compare against` };
  }
  if (inside.status !== 0 || inside.stdout.trim() !== 'true') {
    return { skip: 'this is not a git checkout (a source tarball?), so there is no main branch to compare against' };
  }
  const candidates = [
    { ref: `refs/heads/${mainBranch}`, input: `.git#branch=${mainBranch},subdir=${protoDir}` },
    { ref: `refs/remotes/origin/${mainBranch}`, input: `.git#ref=refs/remotes/origin/${mainBranch},subdir=${protoDir}` },
  ];
  const found = candidates.find((c) => run('git', ['rev-parse', '--verify', '--quiet', c.ref], { capture: true }).status === 0);
  if (!found) {
    return { skip: `neither branch ${mainBranch} nor origin/${mainBranch} exists in this clone, so there is nothing to compare against` };
  }
  const tree = run('git', ['ls-tree', '-r', '--name-only', found.ref, '--', protoDir], { capture: true });
  if (tree.status !== 0) fail('breaking', `git ls-tree ${found.ref} failed: ${tree.stderr.trim()}`);
  const baselineFiles = tree.stdout.split('\n').filter((line) => line.endsWith('.proto'));
  if (baselineFiles.length === 0) {
    return { skip: `${found.ref} has no ${protoDir}/*.proto yet (these contracts are its first version), so there is nothing to compare against` };
  }
  return { ref: found.ref, input: found.input, count: baselineFiles.length };
}

function cmdBreaking() {
  requireBuf();
  const baseline = breakingBaseline();
  if ('skip' in baseline) {
    step('breaking', `skipped: ${baseline.skip}`);
    return;
  }
  const started = Date.now();
  step('breaking', `buf breaking ${protoDir} --against '${baseline.input}' (${baseline.count} .proto files on ${baseline.ref})`);
  const result = run(buf, ['breaking', protoDir, '--against', baseline.input]);
  if (result.status !== 0) fail('breaking', `incompatible changes against ${baseline.ref} (exit ${result.status}); see above`);
  step('breaking', `no breaking changes against ${baseline.ref} (${Date.now() - started} ms)`);
}

const commands = { generate: cmdGenerate, check: cmdCheck, '--check': cmdCheck, breaking: cmdBreaking, lint: () => (requireBuf(), lint()) };
const args = process.argv.slice(2);
if (args.length > 1 || (args[0] !== undefined && !(args[0] in commands))) {
  console.error(`usage: npm run proto [-- generate|check|--check|breaking|lint]`);
  process.exit(2);
}
commands[args[0] ?? 'generate']();
