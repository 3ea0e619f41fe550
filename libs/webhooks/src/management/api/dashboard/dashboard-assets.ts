import { API_JS } from './assets/api.script';
import { APP_JS } from './assets/app.script';
import { CHART_JS } from './assets/chart.script';
import { CHARTS_JS } from './assets/charts.script';
import { DASHBOARD_CSS } from './assets/dashboard.style';
import { DEAD_LETTERS_JS } from './assets/dead-letters.script';
import { DELIVERIES_JS } from './assets/deliveries.script';
import { DELIVERY_DETAIL_JS } from './assets/delivery-detail.script';
import { DOM_JS } from './assets/dom.script';
import { ENDPOINT_ACTIONS_JS } from './assets/endpoint-actions.script';
import { ENDPOINT_DETAIL_JS } from './assets/endpoint-detail.script';
import { ENDPOINT_FORM_JS } from './assets/endpoint-form.script';
import { ENDPOINT_PICKER_JS } from './assets/endpoint-picker.script';
import { ENDPOINT_SECRET_JS } from './assets/endpoint-secret.script';
import { ENDPOINT_SETTINGS_JS } from './assets/endpoint-settings.script';
import { ENDPOINTS_LIST_JS } from './assets/endpoints-list.script';
import { EVENTS_JS } from './assets/events.script';
import { FAVICON_SVG } from './assets/favicon.asset';
import { FORMAT_JS } from './assets/format.script';
import { MONITORING_JS } from './assets/monitoring.script';
import { PAGING_JS } from './assets/paging.script';
import { SESSION_JS } from './assets/session.script';

export interface DashboardAsset {
  type: string;
  body: string;
}

const JS = 'text/javascript; charset=utf-8';

// NOTE: the assets are strings in TypeScript modules rather than files, so they ship inside the
// compiled library and load the same under Jest, `nest build` and a consumer's node_modules.
export const DASHBOARD_ASSETS: Readonly<Record<string, DashboardAsset>> = {
  'dashboard.css': { type: 'text/css; charset=utf-8', body: DASHBOARD_CSS },
  'favicon.svg': { type: 'image/svg+xml', body: FAVICON_SVG },
  'app.js': { type: JS, body: APP_JS },
  'api.js': { type: JS, body: API_JS },
  'session.js': { type: JS, body: SESSION_JS },
  'dom.js': { type: JS, body: DOM_JS },
  'format.js': { type: JS, body: FORMAT_JS },
  'paging.js': { type: JS, body: PAGING_JS },
  'chart.js': { type: JS, body: CHART_JS },
  'charts.js': { type: JS, body: CHARTS_JS },
  'endpoint-picker.js': { type: JS, body: ENDPOINT_PICKER_JS },
  'endpoints-list.js': { type: JS, body: ENDPOINTS_LIST_JS },
  'endpoint-form.js': { type: JS, body: ENDPOINT_FORM_JS },
  'endpoint-settings.js': { type: JS, body: ENDPOINT_SETTINGS_JS },
  'endpoint-secret.js': { type: JS, body: ENDPOINT_SECRET_JS },
  'endpoint-detail.js': { type: JS, body: ENDPOINT_DETAIL_JS },
  'endpoint-actions.js': { type: JS, body: ENDPOINT_ACTIONS_JS },
  'events.js': { type: JS, body: EVENTS_JS },
  'deliveries.js': { type: JS, body: DELIVERIES_JS },
  'delivery-detail.js': { type: JS, body: DELIVERY_DETAIL_JS },
  'dead-letters.js': { type: JS, body: DEAD_LETTERS_JS },
  'monitoring.js': { type: JS, body: MONITORING_JS },
};
