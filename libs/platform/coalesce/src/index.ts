export { Coalescer, type CoalescerOptions, type CoalesceOptions, type CoalescerStats } from './coalescer';
export { WaiterCancelledError, FlightAbandonedError } from './errors';
