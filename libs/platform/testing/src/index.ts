export { infra, type InfraEndpoints, type InfraSource } from './endpoints';
