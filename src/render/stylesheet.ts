/**
 * The one stylesheet of every page and feed preview, hand-written: system fonts (nothing
 * to download), a readable measure, light and dark by `prefers-color-scheme`, and logical
 * properties so right-to-left articles lay out mirrored. Served with its hash in the URL
 * (src/render/assets.ts).
 */
export const STYLESHEET = `:root {
  color-scheme: light dark;
  --bg: #fcfbf8; --fg: #1c1c1e; --muted: #55555c; --rule: #dedbd4; --accent: #0a58a8; --note: #fff4d6; --code: #efece6;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  --serif: Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, "Noto Serif", serif;
  --measure: 38rem;
  --s1: #0a58a8; --s2: #b3261e; --s3: #1e7b34; --s4: #7b3fa8; --s5: #9a5a00; --s6: #00766a;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #141518; --fg: #ebe9e4; --muted: #aeaca6; --rule: #35363c; --accent: #8fc3ff; --note: #2e2a1b; --code: #25262b;
    --s1: #8fc3ff; --s2: #ff8a80; --s3: #7fd68b; --s4: #cfa6ff; --s5: #ffb74d; --s6: #4dd0c4; }
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 1rem/1.55 var(--sans); overflow-wrap: break-word; }
a { color: var(--accent); text-underline-offset: .15em; }
a:hover { text-decoration-thickness: 2px; }
img { max-width: 100%; height: auto; }
.wrap { max-width: 72rem; margin-inline: auto; padding-inline: 1rem; }
.masthead { border-block-end: 1px solid var(--rule); }
.masthead .wrap { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: .25rem 1.5rem; padding-block: .8rem; }
.site { color: var(--fg); font-weight: 700; font-size: 1.15rem; text-decoration: none; }
.inline { display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin: 0; padding: 0; list-style: none; }
main { display: block; padding-block: 1.5rem 3rem; }
h1, h2, h3 { line-height: 1.2; text-wrap: balance; }
h1 { font-size: clamp(1.75rem, 1.3rem + 2vw, 2.6rem); margin-block: .25rem .75rem; }
.lede { max-width: var(--measure); font-size: 1.15rem; color: var(--muted); margin-block-start: 0; }
.meta { color: var(--muted); font-size: .9rem; }
.kicker { margin: 0; font-size: .85rem; font-weight: 600; text-transform: uppercase; letter-spacing: .05em; }
.note { max-width: var(--measure); background: var(--note); border: 1px solid var(--rule); border-radius: .5rem; padding: .25rem 1.25rem; margin-block-end: 2rem; }
.address { display: block; user-select: all; font: .95rem/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: var(--bg); border: 1px solid var(--rule); border-radius: .35rem; padding: .5rem .75rem; overflow-wrap: anywhere; }
.feeds { margin-block: 1rem 2rem; }
.stories { display: grid; gap: 1.75rem 2rem; grid-template-columns: repeat(auto-fill, minmax(min(100%, 19rem), 1fr)); margin: 0; padding: 0; list-style: none; }
.story { border-block-start: 1px solid var(--rule); padding-block-start: .9rem; }
.story h2 { font-size: 1.2rem; margin-block: .35rem .3rem; }
.story h2 a { color: var(--fg); text-decoration: none; }
.story h2 a:hover { text-decoration: underline; }
.story p { margin-block: .3rem; }
.story img { display: block; width: 100%; aspect-ratio: 16 / 9; object-fit: cover; border-radius: .25rem; background: var(--code); }
.pager { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 1rem; margin-block-start: 2.5rem; }
.article { max-width: var(--measure); margin-inline: auto; font: 1.125rem/1.65 var(--serif); }
.article h1 { font-family: var(--sans); }
.standfirst { font-size: 1.2rem; color: var(--muted); }
.byline { font: .95rem/1.5 var(--sans); color: var(--muted); }
.article figure { margin: 1.5rem 0; }
.article figcaption { font: .875rem/1.45 var(--sans); color: var(--muted); margin-block-start: .4rem; }
.article figcaption small { font-size: inherit; opacity: .85; }
.dateline { float: inline-start; margin: 0; margin-inline-end: .4em; }
.dateline strong { font: 700 .85em/1 var(--sans); text-transform: uppercase; letter-spacing: .04em; }
.dateline strong::after { content: " \\2014"; }
.article blockquote { margin-inline: 0; padding-inline-start: 1rem; border-inline-start: 3px solid var(--rule); color: var(--muted); }
pre { overflow-x: auto; background: var(--code); padding: .75rem; border-radius: .35rem; font-size: .9rem; }
code { background: var(--code); padding: 0 .2em; border-radius: .2em; font-size: .9em; }
pre code { background: none; padding: 0; }
table { display: block; max-width: 100%; overflow-x: auto; border-collapse: collapse; }
td, th { border: 1px solid var(--rule); padding: .3rem .5rem; }
td.n { text-align: end; font-variant-numeric: tabular-nums; }
button, input, select { font: inherit; color: inherit; }
input, select { background: var(--bg); border: 1px solid var(--muted); border-radius: .35rem; padding: .3rem .5rem; max-inline-size: 100%; }
button { background: var(--accent); color: var(--bg); border: 0; border-radius: .35rem; padding: .35rem .9rem; font-weight: 600; cursor: pointer; }
button[type="button"] { background: none; color: var(--accent); border: 1px solid currentColor; }
.controls { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; }
.controls[hidden] { display: none; }
.legend { list-style: none; padding: 0; font-size: .9rem; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
.swatch { display: inline-block; inline-size: 1.25em; block-size: .35em; margin-inline-end: .4em; vertical-align: middle; background: currentColor; }
/* Drawn 640 units wide and shown at most 48rem wide, so 13-unit labels read at 11-16 px; a phone shrinks it about half, so there they grow. */
.chart { display: block; max-inline-size: 48rem; }
.chart text { fill: currentColor; font-size: 13px; }
.chart .axis { stroke: var(--muted); }
.chart polyline { stroke: currentColor; }
@media (max-width: 40rem) { .chart text { font-size: 17px; } }
@media (max-width: 30rem) { .chart text { font-size: 22px; } }
/* A series' colour: its line and its legend swatch both draw in currentColor (s0, the total, in the text's). */
.s1 { color: var(--s1); } .s2 { color: var(--s2); } .s3 { color: var(--s3); } .s4 { color: var(--s4); } .s5 { color: var(--s5); } .s6 { color: var(--s6); }
.colophon { border-block-start: 1px solid var(--rule); padding-block: 1.5rem 2.5rem; font-size: .9rem; color: var(--muted); }
.colophon h2 { font-size: 1rem; color: var(--fg); }
.colophon ul { padding-inline-start: 1.2rem; }
`;
