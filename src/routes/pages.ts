import { Hono } from "hono";
import { ARTICLE_ID, type Article } from "../article";
import { toItem } from "../feed/model";
import { type Representation, serveFeed } from "../feed/serve";
import { sha256Base64url } from "../hash";
import { etagOf, serveVersioned } from "../http/representation";
import { methodNotAllowed, problem } from "../problem";
import { articlePage, listPage } from "../render/html";
import { HTML_TYPE } from "../render/layout";
import { scopesOf } from "../scopes";
import { settingsFrom } from "../settings";
import { readArticle } from "../store";
import { ARCHIVE, pageOf, SCOPE_PREFIXES, scopeOf } from "./scoped";

/**
 * The HTML pages: the home page, one per section, author and tag (each paged like its
 * feed), and one per article.
 */
export const pages = new Hono<{ Bindings: Env }>();

const list: Representation = { name: "page", type: HTML_TYPE, render: (feed, settings, view) => listPage(feed, settings, view).toString() };
for (const [kind, prefix] of SCOPE_PREFIXES) {
  for (const path of [prefix || "/", `${prefix}${ARCHIVE}`]) {
    pages.get(path, (c) => serveFeed(c, scopeOf(c, kind), pageOf(c), list));
    pages.all(path, methodNotAllowed("GET, HEAD"));
  }
}

pages.get("/articles/:id", (c) => {
  const id = c.req.param("id");
  let article: Article;
  return serveVersioned(
    c,
    HTML_TYPE,
    async () => {
      const stored = ARTICLE_ID.test(id) ? await readArticle(c.env.ARTICLES, id) : null;
      if (!stored) problem(404, "There is no article at this address.");
      if ("retracted" in stored)
        problem(410, "This article has been retracted: its publisher withdrew it, and no feed carries it any more.");
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

pages.all("/articles/:id", methodNotAllowed("GET, HEAD"));
