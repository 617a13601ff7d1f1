"""The site's one stylesheet, site.css: system fonts only (nothing fetched), one column that
narrows to a phone's width, tables that scroll in their own box, charts that shrink to fit."""

CSS = """\
:root { --ink: #1b1b1b; --muted: #4a4a4a; --rule: #cccccc; --accent: #005a8c;
  --paper: #ffffff; --shade: #f3f3f3; }
* { box-sizing: border-box; }
html { font-family: Arial, Helvetica, 'Liberation Sans', 'DejaVu Sans', sans-serif;
  color: var(--ink); background: var(--paper); line-height: 1.5;
  -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; font-size: 1rem; overflow-wrap: break-word; }
a { color: var(--accent); }
a:focus-visible, [tabindex]:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.skip { position: absolute; left: 0.5rem; top: -4rem; padding: 0.5rem 1rem;
  background: var(--ink); color: #ffffff; z-index: 10; }
.skip:focus { top: 0.5rem; }
header.site, main, footer.site { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
header.site { border-bottom: 4px solid var(--accent); padding-top: 0.75rem;
  padding-bottom: 0.25rem; }
header.site .service { margin: 0; font-weight: bold; }
header.site .service a { color: var(--ink); text-decoration: none; }
header.site .service a:hover { text-decoration: underline; }
ol.crumbs { list-style: none; margin: 0.25rem 0; padding: 0; font-size: 0.9375rem; }
ol.crumbs li { display: inline; }
ol.crumbs li + li::before { content: "\\203A"; margin: 0 0.4rem; color: var(--muted); }
ol.crumbs a { display: inline-block; padding: 2px 0; }
main { padding-top: 1rem; padding-bottom: 2rem; }
main:focus { outline: none; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.5rem; line-height: 1.25; margin: 2rem 0 0.75rem; padding-bottom: 0.25rem;
  border-bottom: 2px solid var(--accent); }
h3 { font-size: 1.1875rem; margin: 1.25rem 0 0.5rem; }
p, ul, ol { margin: 0.5rem 0; }
li { margin: 0.25rem 0; }
.lead { font-size: 1.1875rem; }
.note { font-size: 0.9375rem; color: var(--muted); }
.banner { border: 2px solid; border-left-width: 8px; padding: 0.5rem 0.75rem;
  margin: 0.75rem 0; }
.banner.synthetic { border-color: #D55E00; background: #fff1e6; color: #6b2600; }
.banner.revised { border-color: var(--accent); background: #edf5fb; }
ul.tiles { list-style: none; padding: 0; display: grid; gap: 0.5rem;
  grid-template-columns: repeat(auto-fill, minmax(10.5rem, 1fr)); }
ul.tiles li { margin: 0; border: 1px solid var(--rule); border-top: 4px solid var(--accent);
  padding: 0.5rem 0.75rem; }
ul.tiles .value { display: block; font-size: 1.75rem; font-weight: bold; line-height: 1.2;
  font-variant-numeric: tabular-nums; }
ul.tiles .label { display: block; font-size: 0.9375rem; }
ul.releases { list-style: none; padding: 0; }
ul.releases > li { border-top: 1px solid var(--rule); padding: 0.75rem 0; margin: 0; }
ul.releases h3 { margin: 0 0 0.25rem; }
ul.links, ul.forces { padding-left: 1.25rem; }
ul.links li { padding: 2px 0; }
ul.forces a { display: inline-block; padding: 2px 0; }
ul.forces { columns: 3 14rem; }
.table-scroll { overflow-x: auto; max-width: 100%; margin: 0.5rem 0; }
table { border-collapse: collapse; font-size: 0.9375rem; min-width: 100%; }
th, td { border-bottom: 1px solid var(--rule); padding: 0.35rem 0.6rem; text-align: left;
  vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); background: var(--shade); }
tbody th { font-weight: normal; min-width: 8rem; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 1rem 0; }
figcaption { font-size: 0.9375rem; color: var(--muted); margin-top: 0.5rem; }
svg.chart { display: block; max-width: 100%; height: auto; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
footer.site { border-top: 1px solid var(--rule); padding-top: 0.75rem; padding-bottom: 2rem;
  font-size: 0.9375rem; color: var(--muted); }
@media (max-width: 40rem) {
  h1 { font-size: 1.625rem; }
  h2 { font-size: 1.3125rem; }
  .lead { font-size: 1.0625rem; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: 0.5rem; }
}
@media print {
  .skip, nav { display: none; }
  a { color: inherit; }
  .table-scroll { overflow: visible; }
}
"""
