/*
 * core.c: the core under WAMR (pb_core.h). One runtime on one static pool,
 * the env natives of picobadge_abi.h, the resident verifier, and one app
 * instance at a time.
 *
 * Invariants:
 *   - Nothing here calls malloc. WAMR allocates only from `pool` (Alloc_With_Pool),
 *     or on a board built with PB_CORE_BOARD_ALLOCATOR from the board's carved-out memory;
 *     the app's bytes live in `app_buf`, the verifier's copy in the pool while it runs.
 *   - No byte of an app image is loaded by WAMR before the resident verifier
 *     (build/verifier.wasm, linked into the firmware) has accepted exactly the
 *     bytes in RAM that WAMR then loads: the image is read once, into app_buf,
 *     and both the check and the load read that copy (no time-of-check /
 *     time-of-use gap with the partition).
 *   - While an app is live its slot of app_buf is never written: WAMR's
 *     loader rewrites bytecode in place (the 2020 classic interpreter) and
 *     keeps pointers into it. A new image goes into the other slot, and the
 *     old module is dropped only once the new one is instantiated, so a
 *     refused or broken image leaves the previous app running.
 *   - No image below the badge's version floor runs (docs/ABI.md, "Rollback"):
 *     the verifier gets the floor read before the check, and the floor is
 *     raised to a new image's version after it verified and instantiated,
 *     before it becomes the live app (floor.c says why, and what a power cut does).
 */
#include <string.h>

#include "picobadge_abi.h"
#include "port.h"
#include "pb_core.h"
#include "pb_floor.h"
#include "wamr_compat.h"

/* The board's build embeds build/verifier.wasm as these (boards/native/embed_verifier.cmake). */
extern const unsigned char pb_verifier_wasm[];
extern const unsigned int pb_verifier_wasm_len;

#ifndef PB_APP_SLOTS
#define PB_APP_SLOTS 2 /* 1 on a board that loads its app only at boot and cannot spare the RAM */
#endif

#ifndef PB_CORE_BOARD_ALLOCATOR
/* WAMR's ems allocator wants 8-byte alignment; its heap header sits at the start. */
static uint8_t pool[PB_WAMR_POOL] __attribute__((aligned(8)));
#endif
static uint8_t app_buf[PB_APP_SLOTS][PB_APP_MAX] __attribute__((aligned(8)));

/* A module with its instance and execution environment. */
struct pb_instance {
  wasm_module_t module;
  wasm_module_inst_t inst;
  wasm_exec_env_t env;
};

static struct pb_instance app;  /* the live app, all NULL when none */
static int app_slot = -1;       /* which app_buf holds app.module's bytes */
static uint32_t app_io, app_io_cap, app_memory_used;
static int initialized;
static int image_code;
static char error_line[192];
static uint32_t app_version;    /* the running app's version (its verified header's) */

/* ---- the export table: name -> WAMR signature, from picobadge_abi.h ----------------- */

struct pb_export {
  const char *name;
  const char *signature; /* "(iiI)i": i i32, I i64 */
};
#define PB_EXPORT_ROW(name, sig) { #name, sig },
static const struct pb_export exports[] = {
  PICOBADGE_EXPORTS_FEED(PB_EXPORT_ROW)
  PICOBADGE_EXPORTS_STORE(PB_EXPORT_ROW)
  PICOBADGE_EXPORTS_BADGE(PB_EXPORT_ROW)
  PICOBADGE_EXPORTS_IMAGE(PB_EXPORT_ROW)
};
#define PB_EXPORT_COUNT (sizeof exports / sizeof exports[0])
#define PB_MAX_PARAMS 8

static const struct pb_export *find_export(const char *name)
{
  for (size_t i = 0; i < PB_EXPORT_COUNT; i++)
    if (strcmp(exports[i].name, name) == 0) return &exports[i];
  return NULL;
}

/* Parameter count of "(...)r", or -1 for a signature this file cannot call. */
static int params_of(const char *sig)
{
  int n = 0;
  if (sig[0] != '(') return -1;
  for (const char *p = sig + 1; *p != ')'; p++) {
    if ((*p != 'i' && *p != 'I') || n == PB_MAX_PARAMS) return -1;
    n++;
  }
  return n;
}

/* error_line = what[: detail], cut to fit; detail may be error_line itself (a refusal wraps the reason). */
static void set_error(const char *what, const char *detail)
{
  char line[sizeof error_line];
  size_t n = 0;
  for (const char *p = what; *p && n < sizeof line - 1; p++) line[n++] = *p;
  if (detail && detail[0]) {
    for (const char *p = ": "; *p && n < sizeof line - 1; p++) line[n++] = *p;
    for (const char *p = detail; *p && n < sizeof line - 1; p++) line[n++] = *p;
  }
  line[n] = 0;
  memcpy(error_line, line, n + 1);
}

/* ---- natives: env.* (picobadge_abi.h, PICOBADGE_IMPORTS) ------------------------------ */
/* WAMR has checked every "*~" pair (the whole range) before these run. */

static int32_t n_flash_read(wasm_exec_env_t env, int32_t addr, uint8_t *ptr, uint32_t len)
{
  (void)env;
  if (addr < 0) return -1;
  return port_flash_read((uint32_t)addr, ptr, len) < 0 ? -1 : 0;
}

static int32_t n_flash_program(wasm_exec_env_t env, int32_t addr, uint8_t *ptr, uint32_t len)
{
  (void)env;
  if (addr < 0) return -1;
  return port_flash_program((uint32_t)addr, ptr, len) < 0 ? -1 : 0;
}

static int32_t n_flash_erase(wasm_exec_env_t env, int32_t addr)
{
  (void)env;
  if (addr < 0) return -1;
  return port_flash_erase((uint32_t)addr) < 0 ? -1 : 0;
}

static int32_t n_host_entropy(wasm_exec_env_t env, uint8_t *ptr, uint32_t len)
{
  (void)env;
  return port_entropy(ptr, len) < 0 ? -1 : 0;
}

/* One console line on the serial port. Bytes that would confuse the RPC's
 * SLIP framing (C0, DB) or a terminal (controls) become '?': the console
 * shares the port with the RPC (docs/RPC.md, "Framing"). */
static void n_host_log(wasm_exec_env_t env, uint8_t *ptr, uint32_t len)
{
  uint8_t line[160];
  static const char prefix[] = "core: ";
  size_t n = sizeof prefix - 1;
  (void)env;
  memcpy(line, prefix, n);
  for (uint32_t i = 0; i < len && n < sizeof line - 2; i++) {
    uint8_t c = ptr[i];
    line[n++] = (c < 0x20 || c == 0x7f || c == 0xc0 || c == 0xdb) ? '?' : c;
  }
  line[n++] = '\r';
  line[n++] = '\n';
  port_serial_write(line, n);
}

/* No accelerator on this firmware yet: answers 0 ("no opinion") after
 * checking the three ranges as docs/ABI.md requires of every native. */
static int32_t n_host_ed25519_verify(wasm_exec_env_t env, int32_t sig, int32_t pk, int32_t msg, int32_t len)
{
  wasm_module_inst_t inst = wasm_runtime_get_module_inst(env);
  if (len < 0) return 0;
  if (!wasm_runtime_validate_app_addr(inst, (uint32_t)sig, 64)) return 0;
  if (!wasm_runtime_validate_app_addr(inst, (uint32_t)pk, 32)) return 0;
  if (!wasm_runtime_validate_app_addr(inst, (uint32_t)msg, (uint32_t)len)) return 0;
  return 0;
}

/* No signer on this firmware yet: answers 0 ("sign it yourself") after
 * checking the three ranges, as for host_ed25519_verify. */
static int32_t n_host_ed25519_sign(wasm_exec_env_t env, int32_t seed, int32_t msg, int32_t len, int32_t out)
{
  wasm_module_inst_t inst = wasm_runtime_get_module_inst(env);
  if (len < 0) return 0;
  if (!wasm_runtime_validate_app_addr(inst, (uint32_t)seed, 32)) return 0;
  if (!wasm_runtime_validate_app_addr(inst, (uint32_t)msg, (uint32_t)len)) return 0;
  if (!wasm_runtime_validate_app_addr(inst, (uint32_t)out, 64)) return 0;
  return 0;
}

#define PB_NATIVE_FN(name) n_##name
#define PB_NATIVE_ROW(module, name, sig, what) { #name, (void *)PB_NATIVE_FN(name), sig, NULL },
/* WAMR keeps a pointer to this table (and sorts it): static, writable, for the runtime's life. */
static NativeSymbol natives[] = { PICOBADGE_IMPORTS(PB_NATIVE_ROW) };

/* ---- instances ------------------------------------------------------------------------- */

static void drop_instance(struct pb_instance *x)
{
  if (x->env) wasm_runtime_destroy_exec_env(x->env);
  if (x->inst) wasm_runtime_deinstantiate(x->inst);
  x->env = NULL;
  x->inst = NULL;
}

static void drop_module(struct pb_instance *x)
{
  drop_instance(x);
  if (x->module) wasm_runtime_unload(x->module);
  x->module = NULL;
}

static int instantiate(struct pb_instance *x)
{
  char err[128];
  x->inst = wasm_runtime_instantiate(x->module, PB_WASM_STACK, 0, err, sizeof err);
  if (!x->inst) { set_error("cannot instantiate the module", err); return PB_CORE_LOAD; }
  x->env = wasm_runtime_create_exec_env(x->inst, PB_WASM_STACK);
  if (!x->env) { drop_instance(x); set_error("cannot create an execution environment", "out of pool memory?"); return PB_CORE_LOAD; }
  return PB_CORE_OK;
}

/* Loads and instantiates the module in buf (kept, and rewritten, by WAMR until unloaded). */
static int load(struct pb_instance *x, uint8_t *buf, uint32_t len)
{
  char err[128];
  x->module = wasm_runtime_load(buf, len, err, sizeof err);
  if (!x->module) { set_error("cannot load the module", err); return PB_CORE_LOAD; }
  int rc = instantiate(x);
  if (rc != PB_CORE_OK) drop_module(x);
  return rc;
}

/* Calls an export on x; the arguments converted by the export's signature. A trap leaves x's instance dropped. */
static int call_on(struct pb_instance *x, const char *name, const int64_t *args, uint32_t argc, int64_t *result)
{
  const struct pb_export *e = find_export(name);
  if (!e) { set_error("no such export", name); return PB_CORE_NO_EXPORT; }
  int np = params_of(e->signature);
  if (np < 0) { set_error("an export signature this firmware cannot call", e->signature); return PB_CORE_NO_EXPORT; }
  if ((uint32_t)np != argc) { set_error("wrong argument count", name); return PB_CORE_ARGC; }
  if (!x->inst) { set_error("no app is loaded", NULL); return PB_CORE_NOT_LOADED; }
  wasm_function_inst_t f = pb_wamr_lookup(x->inst, name);
  if (!f) { set_error("the module has no export", name); return PB_CORE_NO_EXPORT; }

  wasm_val_t in[PB_MAX_PARAMS];
  wasm_val_t out[1];
  const char *ret = strchr(e->signature, ')') + 1;
  memset(in, 0, sizeof in);
  memset(out, 0, sizeof out);
  for (int i = 0; i < np; i++) {
    if (e->signature[1 + i] == 'I') { in[i].kind = WASM_I64; in[i].of.i64 = args[i]; }
    else { in[i].kind = WASM_I32; in[i].of.i32 = (int32_t)(uint32_t)(uint64_t)args[i]; } /* the low 32 bits (docs/RPC.md) */
  }
  uint32_t nret = *ret ? 1 : 0;
  out[0].kind = *ret == 'I' ? WASM_I64 : WASM_I32;
  if (!wasm_runtime_call_wasm_a(x->env, f, nret, out, (uint32_t)np, in)) {
    const char *why = wasm_runtime_get_exception(x->inst);
    set_error(name, why ? why : "trapped");
    drop_instance(x);
    return PB_CORE_TRAP;
  }
  if (result) *result = nret == 0 ? 0 : *ret == 'I' ? out[0].of.i64 : (int64_t)out[0].of.i32;
  return PB_CORE_OK;
}

/* ---- the public interface -------------------------------------------------------------- */

int pb_core_init(void)
{
  RuntimeInitArgs init;
  if (initialized) return PB_CORE_OK;
  memset(&init, 0, sizeof init);
#ifdef PB_CORE_BOARD_ALLOCATOR
  init.mem_alloc_type = Alloc_With_Allocator;
  init.mem_alloc_option.allocator.malloc_func = (void *)pb_board_wamr_malloc;
  init.mem_alloc_option.allocator.realloc_func = (void *)pb_board_wamr_realloc;
  init.mem_alloc_option.allocator.free_func = (void *)pb_board_wamr_free;
#else
  init.mem_alloc_type = Alloc_With_Pool;
  init.mem_alloc_option.pool.heap_buf = (void *)pool;
  init.mem_alloc_option.pool.heap_size = sizeof pool;
#endif
  if (!wasm_runtime_full_init(&init)) { set_error("WAMR did not start", NULL); return PB_CORE_LOAD; }
  if (!wasm_runtime_register_natives("env", natives, sizeof natives / sizeof natives[0])) {
    set_error("WAMR refused the env natives", NULL);
    return PB_CORE_LOAD;
  }
  initialized = 1;
  return PB_CORE_OK;
}

static int refuse(int code, const char *why)
{
  image_code = code;
  set_error("app image refused", why);
  return PB_CORE_IMAGE;
}

static const char *image_reason(int code)
{
  switch (code) {
  case PB_E_NOT_IMAGE: return "not a picobadge app image (-80)";
  case PB_E_IMAGE_FORMAT: return "an app image format this firmware does not know (-81)";
  case PB_E_IMAGE_TAMPERED: return "the module is not the one its header names: tampered (-82)";
  case PB_E_IMAGE_SIGNATURE: return "not signed by this badge's event key: wrong key, or a tampered header (-83)";
  case PB_E_IMAGE_LENGTH: return "the module is cut short, or longer than its header says (-84)";
  case PB_E_IMAGE_ORDER: return "verification out of order (-85)";
  case PB_E_IMAGE_ROLLBACK: return "older than the version this badge has already run: refused (rollback) (-86)";
  default: return "the verifier failed";
  }
}

/* Calls the verifier; a trap or a missing export counts as a refusal (-85): it never means yes. */
static int vcall(struct pb_instance *v, const char *name, const int64_t *args, uint32_t argc, int64_t *r)
{
  int rc = call_on(v, name, args, argc, r);
  if (rc != PB_CORE_OK) return refuse(PB_E_IMAGE_ORDER, error_line);
  return PB_CORE_OK;
}

/*
 * Reads the image from the app partition into img (once) and runs the
 * resident verifier over that RAM copy: the header first (nothing of it is
 * believed before image_verify_begin accepts it, not even its length), then
 * the module's bytes. 0 and the module's length, or PB_CORE_IMAGE with the
 * code, or PB_CORE_LOAD when the verifier itself would not run.
 */
static int read_and_verify(uint8_t *img, const uint8_t *mapped, uint32_t *module_len, uint32_t *floor, uint32_t *version)
{
  struct pb_instance v = { NULL, NULL, NULL };
  int64_t r = 0, args[3];
  int rc;
  uint32_t part = port_app_size();
  if (part < PICOBADGE_IMAGE_HEADER) return refuse(PB_E_IMAGE_LENGTH, image_reason(PB_E_IMAGE_LENGTH));
  if (pb_floor_read(floor) < 0) return refuse(PB_E_IMAGE_ROLLBACK, "the badge's version floor cannot be read: no image runs (-86)");
  /* mapped: the partition itself, read in place (PB_APP_XIP); img is then not used. */
  const uint8_t *src = mapped ? mapped : img;
  if (!mapped && port_app_read(0, img, PICOBADGE_IMAGE_HEADER) < 0) return refuse(PB_E_IMAGE_LENGTH, "the app partition cannot be read");

  /* The loader rewrites what it loads: a fresh copy of the embedded verifier, in the pool, each time. */
  uint8_t *copy = wasm_runtime_malloc(pb_verifier_wasm_len);
  if (!copy) { set_error("no pool memory for the verifier", NULL); return PB_CORE_LOAD; }
  memcpy(copy, pb_verifier_wasm, pb_verifier_wasm_len);
  rc = load(&v, copy, pb_verifier_wasm_len);
  if (rc != PB_CORE_OK) { wasm_runtime_free(copy); return rc; }

  int64_t io = 0, cap = 0;
  if ((rc = vcall(&v, "io", NULL, 0, &io)) != PB_CORE_OK) goto done;
  if ((rc = vcall(&v, "io_cap", NULL, 0, &cap)) != PB_CORE_OK) goto done;
  /* The window holds the header (144) and the key (32) side by side at first, then chunks. */
  if (cap < PICOBADGE_IMAGE_HEADER + 32 ||
      !wasm_runtime_validate_app_addr(v.inst, (uint32_t)io, (uint32_t)cap)) {
    rc = refuse(PB_E_IMAGE_ORDER, "the verifier's I/O window is unusable");
    goto done;
  }
  uint8_t *win = wasm_runtime_addr_app_to_native(v.inst, (uint32_t)io);
  memcpy(win, src, PICOBADGE_IMAGE_HEADER);
  memcpy(win + PICOBADGE_IMAGE_HEADER, port_event_key(), 32);
  args[0] = io;
  args[1] = io + PICOBADGE_IMAGE_HEADER;
  args[2] = *floor;
  if ((rc = vcall(&v, "image_verify_begin", args, 3, &r)) != PB_CORE_OK) goto done;
  if (r == PB_E_IMAGE_ROLLBACK) {
    char why[96];
    pb_floor_refusal(why, sizeof why, pb_image_version(src), *floor); /* the header is signed: its version is the event's word */
    rc = refuse(PB_E_IMAGE_ROLLBACK, why);
    goto done;
  }
  if (r == PB_E_IMAGE_FORMAT && src[4] == 1 && src[5] == 0) {
    rc = refuse(PB_E_IMAGE_FORMAT, "a format-1 image, made before app versions: rebuild it with picobadge build (-81)");
    goto done;
  }
  if (r < 0) { rc = refuse((int)r, image_reason((int)r)); goto done; }
  *version = pb_image_version(src);
  /* A signed header: its length is the event's word now. It must fit this board's buffer. */
  *module_len = (uint32_t)r;
  if (!mapped && *module_len > PB_APP_MAX - PICOBADGE_IMAGE_HEADER) {
    rc = refuse(PB_E_IMAGE_FORMAT, "the module is larger than this board's app buffer (-81)");
    goto done;
  }
  /* The partition may be longer than the image (erased flash after it): the length bounds the read.
   * A shorter partition is a cut image: what is there is streamed and image_verify_end says -84. */
  uint32_t want = PICOBADGE_IMAGE_HEADER + *module_len;
  uint32_t have = part < want ? part : want;
  if (!mapped && have > PICOBADGE_IMAGE_HEADER && port_app_read(PICOBADGE_IMAGE_HEADER, img + PICOBADGE_IMAGE_HEADER, have - PICOBADGE_IMAGE_HEADER) < 0) {
    rc = refuse(PB_E_IMAGE_LENGTH, "the app partition cannot be read");
    goto done;
  }
  for (uint32_t off = PICOBADGE_IMAGE_HEADER; off < have; ) {
    uint32_t n = have - off < (uint32_t)cap ? have - off : (uint32_t)cap;
    memcpy(win, src + off, n);
    args[0] = io;
    args[1] = n;
    if ((rc = vcall(&v, "image_verify_update", args, 2, &r)) != PB_CORE_OK) goto done;
    if (r < 0) { rc = refuse((int)r, image_reason((int)r)); goto done; }
    off += n;
  }
  if ((rc = vcall(&v, "image_verify_end", NULL, 0, &r)) != PB_CORE_OK) goto done;
  if (r != 0) { rc = refuse(r < 0 ? (int)r : PB_E_IMAGE_ORDER, image_reason((int)r)); goto done; }
  rc = PB_CORE_OK;
done:
  drop_module(&v);
  wasm_runtime_free(copy);
  return rc;
}

static int fetch_app_info(struct pb_instance *x, uint32_t *io, uint32_t *cap, uint32_t *used)
{
  int64_t r;
  int rc;
  if ((rc = call_on(x, "io", NULL, 0, &r)) != PB_CORE_OK) return rc;
  *io = (uint32_t)r;
  if ((rc = call_on(x, "io_cap", NULL, 0, &r)) != PB_CORE_OK) return rc;
  *cap = (uint32_t)r;
  if ((rc = call_on(x, "memory_used", NULL, 0, &r)) != PB_CORE_OK) return rc;
  *used = (uint32_t)r;
  if (!wasm_runtime_validate_app_addr(x->inst, *io, *cap)) { set_error("the app's I/O window lies outside its memory", NULL); return PB_CORE_LOAD; }
  return PB_CORE_OK;
}

int pb_core_load_app(void)
{
  image_code = 0;
  if (!initialized) { set_error("pb_core_init first", NULL); return PB_CORE_NOT_LOADED; }
  int slot = app_slot < 0 ? 0 : (app_slot + 1) % PB_APP_SLOTS;
  if (slot == app_slot) { set_error("an app is running and this board has one app slot: restart to load another", NULL); return PB_CORE_LOAD; }
  uint8_t *img = app_buf[slot];
  const uint8_t *mapped = NULL;
#ifdef PB_APP_XIP
  /* An ahead-of-time compiled module (wamrc --xip: its file starts "\0aot") runs in place from the
   * memory-mapped partition: verified there and loaded from there, never copied. WAMR does not write
   * an XIP file (no text relocations: --enable-builtin-intrinsics=all), and nothing on a running badge
   * writes its app partition (only the bootloader does, when flashing), so the bytes the verifier
   * accepted are the bytes that run. A .wasm is copied to app_buf as below: the classic interpreter
   * rewrites its bytecode. Peeking at 4 bytes to choose the path trusts nothing: both paths verify. */
  {
    const uint8_t *m = port_app_mapped();
    static const uint8_t aot_magic[4] = { 0x00, 'a', 'o', 't' };
    if (m && port_app_size() >= PICOBADGE_IMAGE_HEADER + 4 && memcmp(m + PICOBADGE_IMAGE_HEADER, aot_magic, 4) == 0) mapped = m;
  }
#endif

  /* 1, 2. The image into RAM, once (or mapped in place), and the resident verifier on exactly those bytes. */
  uint32_t module_len = 0, floor = 0, version = 0;
  int rc = read_and_verify(img, mapped, &module_len, &floor, &version);
  if (rc != PB_CORE_OK) return rc;

  /* 3. Only now: WAMR loads the module from the same bytes. */
  struct pb_instance next = { NULL, NULL, NULL };
  uint32_t io = 0, cap = 0, used = 0;
  uint8_t *module = mapped ? (uint8_t *)(uintptr_t)(mapped + PICOBADGE_IMAGE_HEADER) : img + PICOBADGE_IMAGE_HEADER;
  if ((rc = load(&next, module, module_len)) != PB_CORE_OK) return rc;
  if ((rc = fetch_app_info(&next, &io, &cap, &used)) != PB_CORE_OK) { drop_module(&next); return rc == PB_CORE_TRAP ? PB_CORE_LOAD : rc; }
  /* 4. Verified and instantiated: the floor goes up to its version before it becomes the live app (floor.c). */
  int raised = pb_floor_raise(floor, version);
  drop_module(&app);
  app = next;
  app_slot = slot;
  app_io = io;
  app_io_cap = cap;
  app_memory_used = used;
  app_version = version;
  error_line[0] = 0;
  /* A failed write is not a refusal (floor.c): the app runs, and the line says the floor stayed. */
  if (raised < 0) set_error("the app runs, but its version could not be recorded as the badge's floor", "port_version_floor_write failed");
  return PB_CORE_OK;
}

int pb_core_image_code(void) { return image_code; }
uint32_t pb_core_app_version(void) { return app.inst ? app_version : 0; }
const char *pb_core_error(void) { return error_line; }

int pb_core_call(const char *name, const int64_t *args, uint32_t argc, int64_t *result)
{
  int rc = call_on(&app, name, args, argc, result);
  if (rc == PB_CORE_TRAP && app.module) {
    /* The instance's static tables may be half-updated: a fresh one, fresh memory (docs/ABI.md, Imports). */
    char why[sizeof error_line];
    memcpy(why, error_line, sizeof why);
    if (instantiate(&app) == PB_CORE_OK) {
      uint32_t io, cap, used;
      if (fetch_app_info(&app, &io, &cap, &used) != PB_CORE_OK) drop_instance(&app);
    }
    memcpy(error_line, why, sizeof why);
  }
  return rc;
}

int pb_core_restart(void)
{
  if (!app.module) { set_error("no app is loaded", NULL); return PB_CORE_NOT_LOADED; }
  drop_instance(&app);
  int rc = instantiate(&app);
  if (rc != PB_CORE_OK) return rc;
  uint32_t io, cap, used;
  if ((rc = fetch_app_info(&app, &io, &cap, &used)) != PB_CORE_OK) drop_instance(&app);
  return rc;
}

int pb_core_arity(const char *name)
{
  const struct pb_export *e = find_export(name);
  return e ? params_of(e->signature) : PB_CORE_NO_EXPORT;
}

uint32_t pb_core_io(void) { return app.inst ? app_io : 0; }
uint32_t pb_core_io_cap(void) { return app.inst ? app_io_cap : 0; }
uint32_t pb_core_memory_used(void) { return app.inst ? app_memory_used : 0; }

uint8_t *pb_core_window(void)
{
  if (!app.inst) return NULL;
  return wasm_runtime_addr_app_to_native(app.inst, app_io);
}

#ifdef PB_CORE_BOARD_ALLOCATOR
int64_t pb_core_pool_high_water(void) { return initialized ? pb_board_wamr_high_water() : -1; }
#else
int64_t pb_core_pool_high_water(void) { return initialized ? pb_wamr_pool_high_water(pool) : -1; }
#endif
