// node:url for a browser page (host/web/modules.ts maps the specifier here).
export const fileURLToPath = (url: string | URL): string => decodeURIComponent(new URL(url).pathname)
