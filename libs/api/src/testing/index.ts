export { startRestHarness, TEST_RATE_LIMITS, type RestHarness, type Recorded, type TestResponse, type CallOptions } from './rest-harness';
export { storeMessageService } from './store-message-service';
