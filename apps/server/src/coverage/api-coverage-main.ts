/** `npm run api-coverage`: writes docs/api-coverage.md and prints the headline counts. */
import { writeFileSync } from 'node:fs';
import { API_COVERAGE_PATH, measureApiCoverage, renderApiCoverage } from './api-coverage';

const coverage = measureApiCoverage();
writeFileSync(API_COVERAGE_PATH, renderApiCoverage(coverage));
console.log(
  `api-coverage: REST ${coverage.implemented}/${coverage.total} operations, gateway ${coverage.events.filter((e) => e.sent).length}/${coverage.events.length} events, ${coverage.opcodes.filter((o) => o.implemented).length}/${coverage.opcodes.length} opcodes -> ${API_COVERAGE_PATH}`,
);
