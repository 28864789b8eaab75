export {
  RingError,
  EmptyRingError,
  DuplicateNodeError,
  InvalidRingArgumentError,
  MembershipStateError,
  EtcdUnavailableError,
  InvalidMemberRecordError,
} from './errors';
export { murmur3 } from './murmur3';
export {
  HashRing,
  DEFAULT_VIRTUAL_NODES,
  type NodeId,
  type HashFunction,
  type HashRingOptions,
  type WeightedNode,
  type ReadonlyHashRing,
} from './hash-ring';
export {
  MemberSet,
  validateMember,
  type Member,
  type MembershipChange,
  type MembershipListener,
  type Membership,
} from './membership';
export { StaticMembership } from './static-membership';
export { EtcdMembership, type EtcdMembershipOptions } from './etcd-membership';
export {
  RingView,
  movedKeys,
  type RingChange,
  type OwnershipMove,
  type RingListener,
  type RingViewOptions,
} from './ring-view';
export { parseMemberList, memberListOrLocal, InvalidMemberListError } from './member-list';
export { ProbedMembership, type ProbedMembershipOptions, type MemberProbe } from './probed-membership';
