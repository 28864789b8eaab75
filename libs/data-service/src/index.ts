export { dataServiceModule } from './data-service.module';
