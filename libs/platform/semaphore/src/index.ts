export { Semaphore, type SemaphoreOptions, type AcquireOptions, type Release, type SemaphoreState, type RejectReason } from './semaphore';
export { SemaphoreQueueFullError, SemaphoreTimeoutError, AcquireCancelledError } from './errors';
