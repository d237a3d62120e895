// node:path for a browser page (host/web/modules.ts maps the specifier here): the POSIX joins the shared code imports.
export const join = (...parts: string[]): string => parts.filter(p => p !== '').join('/').replace(/\/+/g, '/')
export const dirname = (p: string): string => p.replace(/\/[^/]*\/?$/, '') || '/'
export const basename = (p: string): string => p.replace(/\/$/, '').replace(/^.*\//, '')
