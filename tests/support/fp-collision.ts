// The fingerprint collision search of #12 finding 6 lives with the
// simulator's hostile kinds (host/sim/hostile/fp-collision.ts), which the
// `collide` kind runs in the mesh; the message-level tests use the same one.
export { itemHash, genesis, kTree, grind, versions, unkeyedSum } from '../../host/sim/hostile/fp-collision.js'
export type { Version, Collision, Versions } from '../../host/sim/hostile/fp-collision.js'
