import { portSetting, stringSetting } from '@chat/config';
import { HttpServer } from '@chat/http-server';
import { defineModule, moduleKey } from '../module';

/** What modules that speak HTTP take from the `http-server` module. */
export const HTTP_SERVER = moduleKey<HttpServer>('http-server');

const configSchema = {
  host: stringSetting('CHAT_HTTP_HOST', { default: '127.0.0.1', description: 'address of the HTTP server (REST API, WebSocket gateway; 0.0.0.0 in containers)' }),
  port: portSetting('CHAT_HTTP_PORT', { default: 8080, description: 'port of the HTTP server (REST API and WebSocket gateway; 0 picks a free one)' }),
};

/**
 * The process's one HTTP server, started before the modules that mount on it
 * (the API on /api, the gateway's WebSocket upgrades) and stopped after them.
 * It runs only in processes where one of them runs.
 */
export const httpServerModule = defineModule({
  name: HTTP_SERVER.name,
  kind: 'infrastructure',
  dependsOn: [],
  configSchema,
  create: (config) => {
    let server: HttpServer | undefined;
    return {
      async start(context) {
        server = new HttpServer(config.host, { registry: context.metrics });
        await server.listen(config.port);
        return server;
      },
      async stop() {
        await server?.close();
      },
      endpoints: (): Record<string, string> => (server ? { http: server.url } : {}),
    };
  },
});
