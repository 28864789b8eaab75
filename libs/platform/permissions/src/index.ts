export { Permission, ALL_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, hasPermission, parsePermissions } from './flags';
export { computeBasePermissions, computeChannelPermissions, type GuildPermissionFacts, type MemberFacts, type Overwrite } from './compute';
