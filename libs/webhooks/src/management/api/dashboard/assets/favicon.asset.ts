/** The page's icon, so browsers ask for no /favicon.ico of the host. Served as `assets/favicon.svg`. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#2452c9"/><path d="M9 21a5 5 0 1 1 4.6-7l3.2 5.5M16 9.5a5 5 0 1 1 2.4 9.4h-6.2M23 21a5 5 0 1 1-7.6-4.3" fill="none" stroke="#fff" stroke-width="2.4" stroke-linecap="round"/></svg>
`;
