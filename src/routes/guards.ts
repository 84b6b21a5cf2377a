import type { Context } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { bodyLimit } from "hono/body-limit";
import { problem, problemResponse } from "../problem";

type Env_ = { Bindings: Env };

/** Write routes need `Authorization: Bearer <PUBLISH_TOKEN>`; with no token configured they refuse. */
export const requireToken = async (c: Context<Env_>, next: () => Promise<void>) => {
  const token = c.env.PUBLISH_TOKEN;
  if (!token)
    problem(
      503,
      "Publishing is disabled: no PUBLISH_TOKEN secret is configured (wrangler secret put PUBLISH_TOKEN, or .dev.vars locally).",
    );
  const unauthorized = () => problemResponse(401, "Send Authorization: Bearer <token> with the publishing token.");
  return bearerAuth<Env_>({
    token,
    noAuthenticationHeader: { message: unauthorized },
    invalidAuthenticationHeader: { message: () => problemResponse(400, "The Authorization header must be: Bearer <token>.") },
    invalidToken: { message: unauthorized },
  })(c, next);
};

/**
 * Whether a read is the publisher's: with no Authorization header it is anonymous; with
 * one, the token must be right (a wrong one is refused, never silently read as anonymous).
 */
export async function isPublisher(c: Context<Env_>): Promise<boolean> {
  if (c.req.header("Authorization") === undefined) return false;
  await requireToken(c, async () => {}); // throws the 401 (or 400, 503) when the token is not the one
  return true;
}

export const limit = (maxSize: number) =>
  bodyLimit({ maxSize, onError: () => problemResponse(413, `The body is larger than the ${maxSize / 1024 / 1024} MiB limit.`) });
