// picobadge/sim: the mesh simulator and the direct two-badge link, for scripts and tests.
export { MeshSimulator, EPOCH } from './mesh.js'
export type { SimOptions, HostileKind, PlannedPost, SimBadge, SimLink } from './mesh.js'
export { Venue, Walker } from './venue.js'
export type { Room } from './venue.js'
export { report, renderReport } from './report.js'
export type { SimReport } from './report.js'
export { sync, chainSet } from './pipe.js'
export { VerifyCache } from './verify-cache.js'
