// Every pointer a host passes in is untrusted: a range that leaves linear
// memory would trap on the first load, so exports check it first and
// return an error code instead.

/** True when [ptr, ptr+len) lies inside linear memory (no overflow). */
export function inMemory(ptr: usize, len: usize): bool {
  const end = ptr + len;
  if (end < ptr) return false;
  return end <= (<usize>memory.size() << 16);
}
