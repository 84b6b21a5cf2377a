import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { ARTICLE_ID, type Article } from "../article";
import { toItem } from "../feed/model";
import { serveFeed } from "../feed/serve";
import { sha256Base64url } from "../hash";
import { etagOf, serveVersioned } from "../http/representation";
import { methodNotAllowed } from "../problem";
import { articlePage, indexPage } from "../render/html";
import { MAIN, scopesOf } from "../scopes";
import { settingsFrom } from "../settings";
import { readArticle } from "../store";

const HTML = "text/html; charset=utf-8";

/** The HTML home page and one page per article. */
export const pages = new Hono<{ Bindings: Env }>();

pages.get("/", (c) =>
  serveFeed(c, MAIN, 0, { name: "home", type: HTML, render: (feed) => indexPage(feed, settingsFrom(c.env)).toString() }),
);

const errorPage = (status: 404 | 410, title: string) =>
  new HTTPException(status, {
    res: new Response(`<!doctype html><title>${title}</title><h1>${title}</h1>`, { status, headers: { "Content-Type": HTML } }),
  });

pages.get("/articles/:id", (c) => {
  const id = c.req.param("id");
  let article: Article;
  return serveVersioned(
    c,
    HTML,
    async () => {
      const stored = ARTICLE_ID.test(id) ? await readArticle(c.env.ARTICLES, id) : null;
      if (!stored) throw errorPage(404, "No such article");
      if ("retracted" in stored) throw errorPage(410, "This article has been retracted");
      article = stored.article;
      return {
        etag: await etagOf(c.env, sha256Base64url(JSON.stringify(article)), "page"),
        lastModified: Date.parse(article.updated),
      };
    },
    async () => {
      const settings = settingsFrom(c.env);
      return articlePage(toItem(settings, article), settings, scopesOf(article)).toString();
    },
  );
});

pages.all("/", methodNotAllowed("GET, HEAD"));
pages.all("/articles/:id", methodNotAllowed("GET, HEAD"));
