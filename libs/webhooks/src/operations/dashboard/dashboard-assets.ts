import { API_JS } from './assets/api.script';
import { APP_JS } from './assets/app.script';
import { CHART_JS } from './assets/chart.script';
import { DASHBOARD_CSS } from './assets/dashboard.style';
import { DELIVERIES_JS } from './assets/deliveries.script';
import { DOM_JS } from './assets/dom.script';
import { ENDPOINTS_JS } from './assets/endpoints.script';
import { MONITORING_JS } from './assets/monitoring.script';

export interface DashboardAsset {
  type: string;
  body: string;
}

const JS = 'text/javascript; charset=utf-8';

// NOTE: the assets are strings in TypeScript modules rather than files, so they ship inside the
// compiled library and load the same under Jest, `nest build` and a consumer's node_modules.
export const DASHBOARD_ASSETS: Readonly<Record<string, DashboardAsset>> = {
  'dashboard.css': { type: 'text/css; charset=utf-8', body: DASHBOARD_CSS },
  'app.js': { type: JS, body: APP_JS },
  'api.js': { type: JS, body: API_JS },
  'dom.js': { type: JS, body: DOM_JS },
  'chart.js': { type: JS, body: CHART_JS },
  'endpoints.js': { type: JS, body: ENDPOINTS_JS },
  'deliveries.js': { type: JS, body: DELIVERIES_JS },
  'monitoring.js': { type: JS, body: MONITORING_JS },
};
