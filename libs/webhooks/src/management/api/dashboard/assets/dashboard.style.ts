/** The stylesheet: light/dark, responsive down to phones, visible focus. Served as `assets/dashboard.css`. */
export const DASHBOARD_CSS = String.raw`:root {
  --bg: #f7f7f8; --fg: #1b1d21; --muted: #5d6470; --card: #fff; --line: #d9dce1;
  --accent: #2452c9; --accent-fg: #fff; --focus: #f5a623;
  --ok: #1a7f37; --bad: #c62828; --warn: #9a6700; --p95: #8250df;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #15171a; --fg: #e7e9ec; --muted: #a0a7b2; --card: #1f2226; --line: #353a41; --accent: #7aa2ff; --accent-fg: #0b1020; --ok: #4ac26b; --bad: #ff7b72; --warn: #d29922; --p95: #c297ff; }
}
* { box-sizing: border-box; }
/* Above every display rule below (button, .row…): a hidden element stays hidden. */
[hidden] { display: none !important; }
body { margin: 0; background: var(--bg); color: var(--fg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 8px; top: 8px; background: var(--card); padding: 6px 10px; z-index: 2; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.top { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 20px; padding: 10px 20px; background: var(--card); border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; }
nav { display: flex; flex-wrap: wrap; gap: 4px; }
nav a { padding: 6px 10px; border-radius: 6px; text-decoration: none; color: var(--fg); }
nav a[aria-current=page] { background: var(--accent); color: var(--accent-fg); }
.session { margin-left: auto; color: var(--muted); font-size: 13px; }
.session-banner { max-width: 1120px; margin: 0 auto; padding: 0 20px; }
.session-banner .notice { margin: 12px 0 0; }
.link-button { border: 0; background: none; color: var(--accent); padding: 0 4px; min-height: auto; text-decoration: underline; }
main { max-width: 1120px; margin: 0 auto; padding: 16px 20px 48px; }
#main:focus { outline: none; }
h1 { font-size: 24px; margin: 8px 0 16px; }
h2 { font-size: 18px; margin: 24px 0 8px; }
h3 { font-size: 14px; margin: 12px 0 4px; color: var(--muted); }
.title-row { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 12px; }
.title-row h1 { margin-right: auto; }
.muted { color: var(--muted); }
.block { display: block; }
.url { word-break: break-all; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
pre { background: var(--bg); border: 1px solid var(--line); padding: 8px; overflow: auto; max-height: 320px; white-space: pre-wrap; word-break: break-all; }
button, .button { display: inline-block; font: inherit; padding: 7px 14px; border-radius: 6px; border: 1px solid var(--line); background: var(--card); color: var(--fg); cursor: pointer; text-decoration: none; min-height: 38px; }
button:hover, .button:hover { border-color: var(--accent); }
button:disabled, select:disabled { opacity: .6; cursor: not-allowed; }
.primary { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); }
.danger { color: var(--bad); border-color: var(--bad); }
.actions { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 12px 0; }
.table-wrap { overflow-x: auto; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 13px; color: var(--muted); font-weight: 600; }
tr:last-child td { border-bottom: 0; }
.empty { color: var(--muted); text-align: center; padding: 16px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; border: 1px solid currentColor; }
.badge-succeeded, .badge-active, .badge-health-healthy { color: var(--ok); }
.badge-failed, .badge-disabled, .badge-health-disabled, .badge-health-circuit-open { color: var(--bad); }
.badge-retrying, .badge-paused, .badge-pending, .badge-delivering, .badge-health-paused, .badge-health-failing, .badge-health-circuit-probing { color: var(--warn); }
.badge-cancelled { color: var(--muted); }
.hold { color: var(--warn); }
.form { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin-bottom: 16px; }
.form.inline { margin-top: 24px; }
.field { display: flex; flex-direction: column; gap: 4px; margin-bottom: 12px; min-width: 0; }
.field.end { justify-content: flex-end; }
.field small { color: var(--muted); }
.field small.field-error { color: var(--bad); font-weight: 600; }
[aria-invalid] { border-color: var(--bad); }
label { font-weight: 600; font-size: 14px; }
input, select, textarea { font: inherit; padding: 7px 9px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); min-height: 38px; max-width: 100%; }
.row { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-end; }
.row > .field { flex: 1 1 160px; }
.picker, .picker input { display: block; width: 100%; }
fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 0 0 12px; padding: 8px 12px; }
legend { font-weight: 600; padding: 0 4px; }
.checks { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 4px 12px; margin: 8px 0; }
.check { display: flex; gap: 8px; align-items: flex-start; font-weight: 400; padding: 4px 0; }
.check input { min-height: auto; margin-top: 4px; }
.panel { background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 8px; padding: 12px 16px; margin: 12px 0; }
.panel.ok { border-left-color: var(--ok); }
.panel.bad { border-left-color: var(--bad); }
.panel h2 { margin-top: 0; }
.secret { font-size: 14px; padding: 4px 8px; background: var(--bg); border: 1px dashed var(--line); word-break: break-all; }
.notice { padding: 8px 12px; border-radius: 6px; background: var(--card); border: 1px solid var(--line); }
.notice-error { border-color: var(--bad); color: var(--bad); }
.notice-warn { border-color: var(--warn); color: var(--warn); }
.action { display: inline-flex; flex-wrap: wrap; align-items: center; gap: 6px; }
.action-output:empty { display: none; }
.action-output .notice { margin: 0; padding: 4px 8px; }
.header-row { display: flex; flex-wrap: wrap; gap: 8px; margin-bottom: 8px; }
.header-row input { flex: 1 1 180px; }
td.select { width: 32px; }
.row-actions { white-space: nowrap; }
.selection { margin: 16px 0 8px; }
.panel.held { border-left-color: var(--warn); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; min-width: 0; word-break: break-word; }
.headers { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; font-family: ui-monospace, monospace; font-size: 13px; }
.headers dt { color: var(--muted); }
.headers dd { margin: 0; word-break: break-all; }
.attempts { padding-left: 0; list-style: none; }
.attempts details { background: var(--card); border: 1px solid var(--line); border-radius: 8px; margin-bottom: 8px; }
.attempts summary { padding: 10px 12px; cursor: pointer; }
.attempt { padding: 0 12px 12px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 10px; margin: 12px 0; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.tile-label { display: block; color: var(--muted); font-size: 13px; }
.tile strong { font-size: 22px; }
.tile-bad { border-color: var(--bad); }
.tile-bad strong { color: var(--bad); }
.tile-warn strong { color: var(--warn); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 12px; margin: 16px 0; }
.chart-box { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px; }
.chart-box figcaption { font-weight: 600; margin-bottom: 4px; }
.chart { width: 100%; height: 160px; display: block; }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.chart .axis { fill: var(--muted); font-size: 11px; }
.chart .line { fill: none; stroke-width: 2; vector-effect: non-scaling-stroke; }
.legend { font-weight: 400; font-size: 13px; margin-left: 10px; }
.legend::before { content: ""; display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; background: currentColor; }
.tone-ok { color: var(--ok); stroke: var(--ok); fill: var(--ok); }
.tone-p50 { color: var(--accent); stroke: var(--accent); fill: var(--accent); }
.tone-p95 { color: var(--p95); stroke: var(--p95); fill: var(--p95); }
.chart .line.tone-ok, .chart .line.tone-p50, .chart .line.tone-p95 { fill: none; }
.tone-s2xx { color: var(--ok); fill: var(--ok); }
.tone-s3xx { color: var(--muted); fill: var(--muted); }
.tone-s4xx { color: var(--warn); fill: var(--warn); }
.tone-s5xx { color: var(--bad); fill: var(--bad); }
.tone-none { color: var(--p95); fill: var(--p95); }
.loading { color: var(--muted); }
@media (max-width: 640px) {
  main { padding: 12px; }
  .top { padding: 8px 12px; }
  thead { display: none; }
  tr { display: block; border-bottom: 1px solid var(--line); padding: 6px 0; }
  td { display: flex; gap: 8px; border: 0; padding: 3px 10px; }
  td[data-label]::before { content: attr(data-label); flex: 0 0 40%; color: var(--muted); font-size: 13px; }
  .facts, .headers { grid-template-columns: 1fr; }
}
`;
