// The resident verifier (docs/ABI.md, "App image", "Who checks the app"):
// the same image check as the core's image_verify_*, built alone so that
// firmware can ship it inside itself and run it, under the same WAMR, on a
// candidate app image before one byte of that image runs. It shares every
// line with the core (assembly/image/, assembly/crypto/) and keeps nothing
// else: no store, no badge, no flash.

export { io, io_cap } from './abi/io';
export { image_verify_begin, image_verify_update, image_verify_end } from './abi/image';
