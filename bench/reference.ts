/**
 * The benchmark's reference: the floor of the runtime itself. The first request for a
 * path copies feedwire's answer to it (ORIGIN); every later one gets the same status,
 * headers and bytes from memory, and 304 when If-None-Match names the copy's ETag.
 * Copies are per path, so a readiness probe cannot become what the benchmark measures.
 */
interface ReferenceEnv {
  ORIGIN: string;
}

interface Copy {
  status: number;
  body: ArrayBuffer;
  headers: Headers;
}

/** Values only: a promise of another request's I/O may not be awaited by this one. */
const copies = new Map<string, Copy>();

async function copyOf(env: ReferenceEnv, path: string): Promise<Copy> {
  const res = await fetch(`${env.ORIGIN}${path}`, { headers: { "Accept-Encoding": "identity" } });
  const copy = { status: res.status, body: await res.arrayBuffer(), headers: new Headers(res.headers) };
  copies.set(path, copy);
  return copy;
}

export default {
  async fetch(request: Request, env: ReferenceEnv): Promise<Response> {
    const path = new URL(request.url).pathname;
    const { status, body, headers } = copies.get(path) ?? (await copyOf(env, path));
    const etag = headers.get("ETag");
    if (etag && request.headers.get("If-None-Match") === etag) return new Response(null, { status: 304, headers });
    return new Response(body, { status, headers });
  },
};
