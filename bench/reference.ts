/**
 * The benchmark's reference: the floor of the runtime itself. On its first request it
 * copies one response from feedwire (ORIGIN), then answers every request from memory
 * with the same bytes and headers, and 304 to a matching If-None-Match.
 */
interface ReferenceEnv {
  ORIGIN: string;
}

let copy: Promise<{ body: ArrayBuffer; headers: Headers }> | undefined;

export default {
  async fetch(request: Request, env: ReferenceEnv): Promise<Response> {
    const url = new URL(request.url);
    copy ??= fetch(`${env.ORIGIN}${url.pathname}`).then(async (res) => ({
      body: await res.arrayBuffer(),
      headers: new Headers(res.headers),
    }));
    const { body, headers } = await copy;
    if (request.headers.get("If-None-Match") === headers.get("ETag")) return new Response(null, { status: 304, headers });
    return new Response(body, { headers });
  },
};
