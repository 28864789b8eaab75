export { HttpServer, type HttpHandler, type HttpServerOptions, type UpgradeHandler } from './http-server';
export { parseRequestTarget, type RequestTarget } from './request-target';
