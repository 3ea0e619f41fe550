/** Route of the dashboard page under the management prefix. */
export const DASHBOARD_ROUTE = 'dashboard';
