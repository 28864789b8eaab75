/**
 * The REST client the server specs share: one call to our Discord REST API
 * (v10) with an optional token and JSON body, answering status and parsed body.
 */

/** Calls the REST API under `api` (e.g. http://127.0.0.1:8080/api) with an optional token and JSON body. */
export async function callApi(api: string | undefined, method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: any }> {
  if (api === undefined) throw new Error('callApi: the server has no REST API endpoint (is the gateway module running?)');
  const response = await fetch(`${api}/v10${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}
