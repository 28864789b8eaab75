// `npm test`: everything CI checks, in order, stopping at the first failure.
//   1. contracts: buf lint, generated code up to date, buf breaking against main
//   2. lint (ESLint with Nx module boundaries) and typecheck, every project
//   3. vitest: unit tests, then the integration suite against real Kafka,
//      Cassandra, Elasticsearch and etcd (started by its global setup)
// `npm test -- --only=vitest [vitest args]` runs a subset; other arguments go to vitest.
// Affected mode (CI after a change): with CHAT_TEST_AFFECTED_BASE=<rev>, or NX_BASE
// as nx-set-shas exports it (NX_HEAD optional), lint and typecheck run through
// `nx affected` against that base instead of `nx run-many`, and vitest runs only
// the test files that reach a file changed since the base (`vitest --changed`).
// Without either variable everything runs, as .ci/run does on a clean clone.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDeps, root } from './ensure-deps.mjs';

const args = process.argv.slice(2);
const onlyArg = args.find((arg) => arg.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : undefined;
const vitestArgs = args.filter((arg) => arg !== onlyArg);
const wanted = (step) => !only || only.has(step);

const timings = [];
function run(step, command, commandArgs, env = {}) {
  if (!wanted(step)) return;
  console.log(`\n=== ${step}: ${command} ${commandArgs.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = (Date.now() - started) / 1000;
  timings.push([step, seconds]);
  if (result.status !== 0) {
    console.error(`\n=== ${step} failed (exit ${result.status ?? result.signal}) after ${seconds.toFixed(1)} s`);
    printTimings();
    process.exit(result.status || 1);
  }
}

function printTimings() {
  console.log('\nstep timings:');
  for (const [step, seconds] of timings) console.log(`  ${step.padEnd(12)} ${seconds.toFixed(1)} s`);
}

const started = Date.now();
ensureDeps();
const nx = join(root, 'node_modules/.bin/nx');
const affectedBase = process.env.CHAT_TEST_AFFECTED_BASE || process.env.NX_BASE || '';
const projects = affectedBase ? ['affected', `--base=${affectedBase}`, ...(process.env.NX_HEAD ? [`--head=${process.env.NX_HEAD}`] : [])] : ['run-many'];
if (affectedBase) console.log(`affected mode: projects and tests changed since ${affectedBase}`);
run('proto', process.execPath, ['scripts/proto.mjs', 'check']);
run('lint', nx, [...projects, '-t', 'lint', '--parallel=2', '--output-style=static'], { NX_DAEMON: 'false' });
run('typecheck', nx, [...projects, '-t', 'typecheck', '--parallel=2', '--output-style=static'], { NX_DAEMON: 'false' });

const reportDir = join(root, 'node_modules/.cache/chat-test');
mkdirSync(reportDir, { recursive: true });
const report = join(reportDir, 'vitest.json');
run('vitest', join(root, 'node_modules/.bin/vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...(affectedBase ? [`--changed=${affectedBase}`, '--passWithNoTests'] : []),
  ...vitestArgs,
]);

printTimings();
console.log(`  ${'total'.padEnd(12)} ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (wanted('vitest')) {
  const summary = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = summary.numPendingTests + summary.numTodoTests;
  console.log(`\n${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${skipped} skipped`);
  if (summary.numTotalTests === 0 && !affectedBase) {
    console.error('no test ran');
    process.exit(1);
  }
}
