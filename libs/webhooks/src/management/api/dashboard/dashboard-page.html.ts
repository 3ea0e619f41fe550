/** The one HTML page; `base` is the page's path, ending in `/dashboard/`. */
export function dashboardPage(base: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Webhooks</title>
<base href="${escapeHtml(base)}">
<link rel="icon" href="assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="assets/dashboard.css">
<script type="module" src="assets/app.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <span class="brand">Webhooks</span>
  <nav aria-label="Sections">
    <a href="#/endpoints">Endpoints</a>
    <a href="#/events">Events</a>
    <a href="#/deliveries">Deliveries</a>
    <a href="#/failed">Dead letters</a>
    <a href="#/monitoring">Monitoring</a>
  </nav>
  <span id="session" class="session"></span>
</header>
<div id="session-banner" class="session-banner" aria-live="polite"></div>
<main id="main" tabindex="-1"><p class="loading">Loading…</p></main>
<noscript><p class="notice notice-error">The dashboard needs JavaScript.</p></noscript>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
