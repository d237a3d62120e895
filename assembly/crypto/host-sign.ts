// The host's signer (the `env.host_ed25519_sign` import), asked before the
// core signs a message it holds whole (a link's PROOF, a post, the
// ed25519_sign export). A host with faster Ed25519 (an nRF52840's CryptoCell,
// OpenSSL in the simulator) writes the signature and answers 1; anything else
// leaves signing to the core. Ed25519 signatures are deterministic (RFC 8032:
// the nonce is a hash of the key and the message), so a correct host writes
// exactly the 64 bytes the core would: which signer made them never shows.
// The core does not check the host's bytes: a wrong signature is refused by
// every peer, and it harms only the badge whose host wrote it.

@external("env", "host_ed25519_sign")
declare function hostSign(seed: usize, msg: usize, len: i32, out: usize): i32;

/** True when the host signed len bytes at msg with the 32-byte seed at seed, writing the signature to out. */
export function hostSigns(seed: usize, msg: usize, len: usize, out: usize): bool {
  return hostSign(seed, msg, <i32>len, out) == 1;
}
