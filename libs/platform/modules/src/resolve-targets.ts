import { ModuleCycleError, UnknownModuleError } from './errors';
import type { ModuleDefinition } from './module';

/**
 * Expands `--target` (a comma list, or `all` for every service module) into
 * the modules to run, dependencies included, in start order: every module
 * after the modules it depends on.
 */
export function resolveTargets(definitions: readonly ModuleDefinition[], targets: readonly string[]): string[] {
  const byName = new Map(definitions.map((definition) => [definition.name, definition]));
  const known = [...byName.keys()];
  const wanted = targets.flatMap((target) =>
    target === 'all' ? definitions.filter((definition) => definition.kind === 'service').map((d) => d.name) : [target],
  );
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]) => {
    const definition = byName.get(name);
    if (!definition) throw new UnknownModuleError(name, known);
    const seen = state.get(name);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new ModuleCycleError([...path.slice(path.indexOf(name)), name]);
    state.set(name, 'visiting');
    for (const dependency of definition.dependsOn) visit(dependency, [...path, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of wanted) visit(name, []);
  return order;
}
