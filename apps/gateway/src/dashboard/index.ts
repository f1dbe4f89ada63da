export { CHART_FONT_PX, DASHBOARD_CSP, DASHBOARD_HTML, DASHBOARD_REFRESH_MS } from './page.ts';
export { NAV_LINKS, renderPage } from './layout.ts';
export type { NavLink, PageParts } from './layout.ts';
export { KEYS_HTML, KEYS_PAGE_PATH } from './keys-page.ts';
export { LOGS_HTML } from './logs-page.ts';
