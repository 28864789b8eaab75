export { GatewayNodes, type GatewayNodesOptions } from './gateway-nodes';
export { parseGatewayNodeList, dnsNodeList, staticNodeList, type GatewayNodeList } from './gateway-node-list';
