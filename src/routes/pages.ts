import { Hono } from "hono";
import { ARTICLE_ID } from "../article";
import { buildFeed, toItem } from "../feed/model";
import { articlePage, indexPage } from "../render/html";
import { settingsFrom } from "../settings";
import { getArticle, latestArticles } from "../store";

/** The HTML home page and one page per article. */
export const pages = new Hono<{ Bindings: Env }>();

pages.get("/", async (c) => {
  const settings = settingsFrom(c.env);
  const articles = await latestArticles(c.env.ARTICLES, settings.itemsPerFeed);
  return c.html(indexPage(buildFeed(settings, articles)));
});

pages.get("/articles/:id", async (c) => {
  const id = c.req.param("id");
  const article = ARTICLE_ID.test(id) ? await getArticle(c.env.ARTICLES, id) : null;
  if (!article) return c.html("<!doctype html><title>Not found</title><h1>No such article</h1>", 404);
  const settings = settingsFrom(c.env);
  return c.html(articlePage(toItem(settings, article), settings));
});
