// Worker bootstrap: worker threads start as plain Node, which cannot load
// TypeScript, so register tsx's loader first (harmless when the parent was
// already started with `--import tsx`), then load the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./member-worker.ts');
