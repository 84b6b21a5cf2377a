import { describe, expect, it } from "vitest";
import { agentOf } from "../src/stats/agents";

describe("the User-Agent classifier", () => {
  it.each([
    ["Feedly/1.0 (poller; 131 subscribers;)", { name: "Feedly", kind: "aggregator", subscribers: 131 }],
    ["Feedly/1.0 (+http://www.feedly.com/fetcher.html; 1,204 subscribers; like FeedFetcher-Google)", { name: "Feedly", subscribers: 1204 }],
    [
      "NewsBlur Feed Fetcher - 12 subscribers - https://www.newsblur.com/site/1234/example-news (Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36)",
      { name: "NewsBlur", kind: "aggregator", subscribers: 12, feedId: "1234" },
    ],
    ["NewsBlur Feed Fetcher - 1 subscriber - https://www.newsblur.com/site/77/x", { name: "NewsBlur", subscribers: 1, feedId: "77" }],
    ["Feedbin feed-id:1234 - 37 subscribers", { name: "Feedbin", kind: "aggregator", subscribers: 37, feedId: "1234" }],
    [
      "Mozilla/5.0 (compatible; Inoreader/1.0; +http://www.inoreader.com/feed-fetcher; 12 subscribers; )",
      { name: "Inoreader", kind: "aggregator", subscribers: 12 },
    ],
    [
      "Mozilla/5.0 (compatible; theoldreader.com; 8 subscribers; feed-id=5a1b2c)",
      { name: "The Old Reader", kind: "aggregator", subscribers: 8, feedId: "5a1b2c" },
    ],
    ["BazQux/2.4 (+https://bazqux.com/fetcher; 3 subscribers)", { name: "BazQux", kind: "aggregator", subscribers: 3 }],
    ["Netvibes (crawler/bot; http://www.netvibes.com/; 5 subscribers; feedID: 99)", { name: "Netvibes", subscribers: 5, feedId: "99" }],
    ["G2reader-bot/4.0 (~http://www.g2reader.com/) (2 subscribers)", { name: "G2Reader", subscribers: 2 }],
    ["Feedly/1.0 (+http://www.feedly.com/fetcher.html; like FeedFetcher-Google)", { name: "Feedly", kind: "aggregator" }],
  ])("reads the aggregator %s", (ua, expected) => {
    expect(agentOf(ua)).toMatchObject(expected);
  });

  it("reads no feed id where there is none", () => {
    expect(agentOf("Feedly/1.0 (poller; 131 subscribers;)").feedId).toBeUndefined();
  });

  it.each([
    ["SomeAggregator/2.1 (+https://agg.example; 42 subscribers)", "SomeAggregator", 42, undefined],
    ["Mozilla/5.0 (compatible; NewFetcher/1.0; +https://nf.example; 7 readers)", "NewFetcher", 7, undefined],
    ["Planet/3 (subscribers: 15; feed_id 88)", "Planet", 15, "88"],
    ["Hub-Fetcher subscribers=9", "Hub-Fetcher", 9, undefined],
    ["Tiny-Agg/0.1 (1 subscriber)", "Tiny-Agg", 1, undefined],
  ])("reads an unknown agent reporting subscribers (%s) as an aggregator named by its product", (ua, name, subscribers, feedId) => {
    const agent = agentOf(ua);
    expect(agent).toMatchObject({ name, kind: "aggregator", subscribers });
    expect(agent.feedId).toBe(feedId);
  });

  it.each([
    ["Newsboat/2.36.0 (Linux x86_64)", "newsboat"],
    ["newsbeuter/2.9 (Linux x86_64)", "newsbeuter"],
    ["NetNewsWire (RSS Reader; https://netnewswire.com/)", "NetNewsWire"],
    ["Reeder/5.0 CFNetwork/1410.0.3 Darwin/22.6.0", "Reeder"],
    ["Mozilla/5.0 (compatible; Miniflux/2.1.0; +https://miniflux.app)", "Miniflux"],
    ["FreshRSS/1.23.1 (Linux; https://freshrss.org)", "FreshRSS"],
    ["Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Thunderbird/115.3.1", "Thunderbird"],
    ["Tiny Tiny RSS/22.08 (http://tt-rss.org/)", "Tiny Tiny RSS"],
    ["Liferea/1.14.5 (Linux; en_US.UTF-8; https://lzone.de/liferea/)", "Liferea"],
    ["Feedparser/6.0.11 +https://github.com/kurtmckee/feedparser/", "feedparser"],
    ["MyHomeReader/0.3", "MyHomeReader"],
  ])("reads the individual reader %s", (ua, name) => {
    expect(agentOf(ua)).toEqual({ name, kind: "reader" });
  });

  it.each([
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "browser"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:133.0) Gecko/20100101 Firefox/133.0", "browser"],
    ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "crawler"],
    ["Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "crawler"],
    ["Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", "crawler"],
    ["Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "link preview"],
    ["facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "link preview"],
    ["Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", "link preview"],
    ["Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", "monitor"],
    ["W3C_Validator/1.3 http://validator.w3.org/services", "validator"],
    ["FeedValidator/1.3", "validator"],
    ["curl/8.5.0", "HTTP tool"],
    ["python-requests/2.31.0", "HTTP tool"],
    ["", "no User-Agent"],
  ])("counts %s as other (%s): not a subscriber", (ua, name) => {
    expect(agentOf(ua)).toEqual({ name, kind: "other" });
  });

  it("classifies a User-Agent once and answers the same object after", () => {
    const ua = "Newsboat/2.36.0 (Linux x86_64) test-cache";
    expect(agentOf(ua)).toBe(agentOf(ua));
  });
});
