export { searchIndexerModule } from './search-indexer.module';
