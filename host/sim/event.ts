// The simulated event's key (fixed: a simulation's, not a secret). It signs
// the native boards' app image and the time beacons the organiser's desk
// hands out (mesh.ts), so that every badge, V8 or native, takes them.
export const SIM_EVENT_SECRET = new Uint8Array(32).fill(0x5e)
