// Feed.__vctr lives here so Block can count verifications without importing Feed.
export const counters = { vctr: -1 }
