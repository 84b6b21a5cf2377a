import { html, raw } from "hono/html";
import { MAIN } from "../scopes";
import type { Settings } from "../settings";
import type { FeedDay, StatsReport } from "../stats/report";
import { TOTAL } from "../stats/store";
import { type Html, layout } from "./layout";

/** Fetches the report with the token kept in sessionStorage (never a cookie, never localStorage: gone with the tab). */
const SCRIPT = `const KEY = "feedwire-stats-token";
const form = document.getElementById("token-form"), controls = document.getElementById("controls"), days = document.getElementById("days"), out = document.getElementById("report");
async function load() {
  const token = sessionStorage.getItem(KEY);
  form.hidden = !!token;
  controls.hidden = !token;
  if (!token) return;
  out.textContent = "Loading…";
  const res = await fetch("/stats/report?days=" + days.value, { headers: { Authorization: "Bearer " + token } });
  if (res.status === 401) { sessionStorage.removeItem(KEY); form.hidden = false; controls.hidden = true; out.textContent = "That token was refused."; return; }
  if (!res.ok) { out.textContent = "The statistics could not be read (" + res.status + ")."; return; }
  out.innerHTML = await res.text();
}
form.addEventListener("submit", (e) => { e.preventDefault(); sessionStorage.setItem(KEY, form.token.value); form.token.value = ""; load(); });
days.addEventListener("change", load);
document.getElementById("forget").addEventListener("click", () => { sessionStorage.removeItem(KEY); out.textContent = ""; load(); });
load();`;

/** The stats page: a token form and a place for the report; it holds no figure itself. */
export function statsPage(settings: Settings, nonce: string): Html {
  return layout(
    settings,
    { title: `Subscribers · ${settings.title}`, scopes: [MAIN], head: html`<meta name="robots" content="noindex">` },
    html`<h1>Subscribers</h1>
<form id="token-form" class="controls"><label>Publishing token <input name="token" type="password" autocomplete="off" required></label> <button>Show</button></form>
<p id="controls" class="controls" hidden><label>Days <select id="days"><option>7</option><option selected>30</option><option>90</option><option>400</option></select></label>
<button id="forget" type="button">Forget the token</button></p>
<div id="report" aria-live="polite"></div>
<script nonce="${nonce}">${raw(SCRIPT)}</script>`,
  );
}

/** The total, then the six largest feeds: `s0`…`s6`, coloured by the stylesheet for light and dark. */
const SERIES = 7;
const W = 640;
const H = 220;
const PAD = { left: 64, right: 8, top: 8, bottom: 28 };

const feedName = (feed: string) => (feed === TOTAL ? "All feeds" : feed);
const percent = (share: number) => `${Math.round(share * 100)} %`;

/** Subscribers per day, one line per feed (the six largest) and the total, drawn on the server. */
function chart(report: StatsReport): Html {
  const series = new Map<string, number[]>([[TOTAL, report.days.map((d) => d.total.subscribers)]]);
  const peak = new Map<string, number>();
  for (const d of report.days) for (const f of d.feeds) peak.set(f.feed, Math.max(peak.get(f.feed) ?? 0, f.subscribers));
  for (const [feed] of [...peak].sort((a, b) => b[1] - a[1]).slice(0, SERIES - 1)) {
    series.set(
      feed,
      report.days.map((d) => d.feeds.find((f) => f.feed === feed)?.subscribers ?? 0),
    );
  }
  const max = Math.max(1, ...[...series.values()].flat());
  const n = report.days.length;
  const x = (i: number) => PAD.left + (n > 1 ? (i * (W - PAD.left - PAD.right)) / (n - 1) : (W - PAD.left - PAD.right) / 2);
  const y = (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / max);
  const lines = [...series].map(
    ([feed, values], i) =>
      html`<polyline class="s${i}" fill="none" stroke-width="2" points="${values.map((v, d) => `${x(d).toFixed(1)},${y(v).toFixed(1)}`).join(" ")}"><title>${feedName(feed)}</title></polyline>`,
  );
  return html`<svg id="chart" class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 ${W} ${H}" width="100%" xmlns="http://www.w3.org/2000/svg">
<title id="chart-title">Estimated subscribers per day, ${report.from} to ${report.to}</title>
<line class="axis" x1="${PAD.left}" y1="${y(0)}" x2="${W - PAD.right}" y2="${y(0)}"/><line class="axis" x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${y(0)}"/>
<text x="${PAD.left - 6}" y="${y(max)}" dominant-baseline="hanging" text-anchor="end">${max}</text><text x="${PAD.left - 6}" y="${y(0)}" text-anchor="end">0</text>
<text x="${PAD.left}" y="${H - 4}">${report.from}</text><text x="${W - PAD.right}" y="${H - 4}" text-anchor="end">${report.to}</text>
${lines}
</svg>
<ul class="legend">${[...series.keys()].map((feed, i) => html`<li><span class="swatch s${i}"></span>${feedName(feed)}</li>`)}</ul>`;
}

const feedRow = (f: FeedDay) =>
  html`<tr><td>${feedName(f.feed)}</td><td class="n">${f.subscribers}</td><td class="n">${f.polls}</td><td class="n">${percent(f.conditionalShare)}</td><td class="n">${f.bytes}</td></tr>`;

/**
 * The report as the page shows it: the chart, the latest day's feeds and readers, and who polls badly over the period.
 * The tables scroll sideways on a narrow screen (the stylesheet's `table`), so each can take the keyboard focus
 * and is named by its heading: a scrollable region a keyboard can reach (axe's scrollable-region-focusable).
 */
export function statsPanel(report: StatsReport): Html {
  const latest = [...report.days].reverse().find((d) => d.total.polls > 0) ?? report.days[report.days.length - 1];
  const impolite = new Map<string, FeedDay["impolite"][number]>();
  for (const d of report.days) for (const i of d.total.impolite) impolite.set(i.name, i);
  return html`<h2>Subscribers over time</h2>
${chart(report)}
${
  latest
    ? html`<h2 id="feeds-heading">Feeds on ${latest.date}</h2>
<table id="feeds" tabindex="0" aria-labelledby="feeds-heading"><thead><tr><th>Feed</th><th>Subscribers</th><th>Polls</th><th>Conditional</th><th>Bytes</th></tr></thead>
<tbody>${feedRow(latest.total)}${latest.feeds.map(feedRow)}</tbody></table>
<h2 id="readers-heading">Readers on ${latest.date}</h2>
<table id="readers" tabindex="0" aria-labelledby="readers-heading"><thead><tr><th>Reader</th><th>Kind</th><th>Subscribers</th><th>Clients</th><th>Polls</th></tr></thead>
<tbody>${latest.total.readers.map(
        (r) =>
          html`<tr><td>${r.name}</td><td>${r.kind}</td><td class="n">${r.subscribers}</td><td class="n">${r.clients}</td><td class="n">${r.polls}</td></tr>`,
      )}</tbody></table>
<p class="meta">Not subscribers (browsers, crawlers, previewers, monitors, validators): distinct clients ${latest.total.other.clients}, polls ${latest.total.other.polls}.</p>`
    : ""
}
<h2 id="etiquette-heading">Polling etiquette</h2>
${
  impolite.size
    ? html`<table id="etiquette" tabindex="0" aria-labelledby="etiquette-heading"><thead><tr><th>Client</th><th>Why</th><th>Polls a client a day</th><th>Conditional</th><th>User-Agent</th></tr></thead>
<tbody>${[...impolite.values()].map(
        (i) =>
          html`<tr><td>${i.name}</td><td>${i.reasons.join(", ")}</td><td class="n">${i.pollsPerClient.toFixed(1)}</td><td class="n">${percent(i.conditionalShare)}</td><td><code>${i.userAgent}</code></td></tr>`,
      )}</tbody></table>`
    : html`<p id="etiquette">Every client polls politely.</p>`
}`;
}
