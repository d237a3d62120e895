// node:path for a browser page (host/web/modules.ts maps the specifier here): POSIX joins of URL-like paths.
export const sep = '/'
export const delimiter = ':'
export const join = (...parts: string[]): string => parts.filter(p => p !== '').join('/').replace(/\/+/g, '/')
export const dirname = (p: string): string => p.replace(/\/[^/]*\/?$/, '') || '/'
export const basename = (p: string): string => p.replace(/\/$/, '').replace(/^.*\//, '')
export const resolve = (...parts: string[]): string => join(...parts)
