/**
 * Which cell holds a scope's documents. A guild pinned in
 * CHAT_SEARCH_DEDICATED goes to its dedicated cell; any other scope (guild
 * or DM user) keeps the cell stored for it, or, when new, is allocated to
 * the shared cell (one not named in CHAT_SEARCH_DEDICATED) with the fewest
 * allocated scopes, and that allocation is stored before any document is
 * written there.
 *
 * "Least loaded" counts allocated scopes (guilds and DM users), not
 * documents: it is known without asking the cells, it cannot flap, and a
 * guild big enough to skew a cell is the case dedicated cells are for.
 * Counts are read from the store at start and kept in memory; with several
 * indexers each counts its own allocations on top, so the balance is
 * approximate, never wrong: a stored allocation always wins.
 */
import { UnknownCellError } from '../errors';
import type { AllocationStore } from './allocation-store.port';

/** Options of {@link CellAllocator}. */
export interface CellAllocatorOptions {
  /** Every configured cell, by name. */
  cells: readonly string[];
  /** guild id → dedicated cell (CHAT_SEARCH_DEDICATED). Those cells take no other scope. */
  dedicated?: ReadonlyMap<string, string>;
  store: AllocationStore;
}

/** Allocates scopes to cells and remembers the allocation. */
export class CellAllocator {
  private readonly cache = new Map<string, string>();
  private readonly pending = new Map<string, Promise<string>>();
  private readonly dedicated: ReadonlyMap<string, string>;
  private readonly shared: string[];
  private loads: Map<string, number> | undefined;

  constructor(private readonly options: CellAllocatorOptions) {
    this.dedicated = options.dedicated ?? new Map();
    const dedicatedCells = new Set(this.dedicated.values());
    this.shared = options.cells.filter((cell) => !dedicatedCells.has(cell));
    for (const cell of dedicatedCells) if (!options.cells.includes(cell)) throw new UnknownCellError(cell);
  }

  /** Cells that take new scopes. */
  get sharedCells(): readonly string[] {
    return this.shared;
  }

  /** The cell of a scope, allocating (and storing) one if it has none. */
  async allocate(scope: string): Promise<string> {
    const known = await this.lookup(scope);
    if (known !== undefined) return known;
    const running = this.pending.get(scope);
    if (running) return running;
    const allocation = this.allocateNew(scope).finally(() => this.pending.delete(scope));
    this.pending.set(scope, allocation);
    return allocation;
  }

  /** The cell of a scope, or undefined when it has none yet (nothing was ever indexed for it). */
  async lookup(scope: string): Promise<string | undefined> {
    const pinned = scope.startsWith('g:') ? this.dedicated.get(scope.slice(2)) : undefined;
    if (pinned !== undefined) return pinned;
    const cached = this.cache.get(scope);
    if (cached !== undefined) return cached;
    const stored = await this.options.store.get(scope);
    if (stored !== undefined) this.remember(scope, stored);
    return stored;
  }

  /**
   * The admin pin: allocates a guild to `cell` from now on (e.g. a guild
   * about to grow, before its first message). Documents already in another
   * cell are not moved. @throws {UnknownCellError} for an unconfigured cell.
   */
  async pin(guildId: string, cell: string): Promise<void> {
    if (!this.options.cells.includes(cell)) throw new UnknownCellError(cell);
    await this.options.store.set(`g:${guildId}`, cell);
    this.cache.set(`g:${guildId}`, cell);
  }

  /** Scopes allocated per cell, as this allocator counts them. */
  async load(): Promise<ReadonlyMap<string, number>> {
    return this.loadsNow();
  }

  private async allocateNew(scope: string): Promise<string> {
    const loads = await this.loadsNow();
    const [first, ...rest] = this.shared;
    if (first === undefined) throw new UnknownCellError('(no shared cell: every cell is dedicated)');
    let least = first;
    for (const cell of rest) if ((loads.get(cell) ?? 0) < (loads.get(least) ?? 0)) least = cell;
    const stored = await this.options.store.putIfAbsent(scope, least);
    if (stored === least) loads.set(least, (loads.get(least) ?? 0) + 1);
    this.remember(scope, stored);
    return stored;
  }

  private async loadsNow(): Promise<Map<string, number>> {
    this.loads ??= await this.options.store.counts();
    return this.loads;
  }

  private remember(scope: string, cell: string): void {
    if (!this.options.cells.includes(cell)) throw new UnknownCellError(cell);
    this.cache.set(scope, cell);
  }
}
