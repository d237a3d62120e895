/*
 * radio_nimble.c: port.h's radio on NimBLE (docs/SYNC.md). Peripheral and
 * central at once, PICOBADGE_MAX_LINKS links, one GATT service whose sync
 * characteristic carries frames: written without response by a central,
 * notified by a peripheral.
 *
 * Two tasks touch this file:
 *   - NimBLE's host task runs gap_event and the GATT callbacks. It owns
 *     `conns` (a central's discovery state) and posts events to the main
 *     task (board.h); it never calls boards/common.
 *   - The main task runs port_radio_* (from inside pb_* calls) and
 *     radio_poll/radio_link_*. It owns `links` (the send queues).
 *   `seen` (address types heard) and the advertising state are shared and
 *   guarded by `lock`; NimBLE's own API is safe to call from either task.
 *
 * A link is reported up only when frames can flow both ways: as central
 * once the ATT MTU is exchanged, the sync characteristic found and its
 * notifications enabled; as peripheral once the central has enabled them.
 *
 * Flow: the core hands at most PICOBADGE_FRAMES_IN_FLIGHT frames per link,
 * then waits for link_ready. Frames go to the host stack at once; when its
 * buffers are full (BLE_HS_ENOMEM) they wait in the link's queue and
 * radio_poll retries them. A frame counts as gone out when NimBLE has taken
 * it (it then holds it until the controller sends it, in order); once a
 * link's queue is empty after sends, the main task calls pb_badge_link_ready.
 */
#include <string.h>

#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "host/ble_hs.h"
#include "host/util/util.h"
#include "nimble/nimble_port.h"
#include "nimble/nimble_port_freertos.h"
#include "services/gap/ble_svc_gap.h"
#include "services/gatt/ble_svc_gatt.h"

#include "board.h"
#include "pb_badge.h"
#include "picobadge_gatt.h"
#include "port.h"

static const ble_uuid128_t service_uuid = BLE_UUID128_INIT(PICOBADGE_GATT_SERVICE_UUID_LE);
static const ble_uuid128_t sync_uuid = BLE_UUID128_INIT(PICOBADGE_GATT_SYNC_UUID_LE);

static uint16_t sync_value_handle; /* our characteristic's value, set by ble_gatts_add_svcs */
static uint8_t own_addr_type;
static SemaphoreHandle_t synced;
static StaticSemaphore_t synced_state;
static portMUX_TYPE lock = portMUX_INITIALIZER_UNLOCKED;

/* ---- shared: radio on/off, advertising data, address types ----------------------------- */

static int enabled;
static uint8_t adv_data[31];
static uint8_t adv_len;
static int connecting; /* a central connection attempt is in flight: scanning is paused */

#define SEEN_MAX 16
static struct { uint8_t addr[6]; uint8_t type; } seen[SEEN_MAX];
static uint8_t seen_next;

static void remember_type(const ble_addr_t *a)
{
  taskENTER_CRITICAL(&lock);
  int i;
  for (i = 0; i < SEEN_MAX; i++)
    if (memcmp(seen[i].addr, a->val, 6) == 0) break;
  if (i == SEEN_MAX) { i = seen_next; seen_next = (uint8_t)((seen_next + 1) % SEEN_MAX); }
  memcpy(seen[i].addr, a->val, 6);
  seen[i].type = a->type;
  taskEXIT_CRITICAL(&lock);
}

/* The address type heard with this address; random when never heard (what a Zephyr badge uses). */
static uint8_t type_of(const uint8_t addr[6])
{
  uint8_t t = BLE_ADDR_RANDOM;
  taskENTER_CRITICAL(&lock);
  for (int i = 0; i < SEEN_MAX; i++)
    if (memcmp(seen[i].addr, addr, 6) == 0) { t = seen[i].type; break; }
  taskEXIT_CRITICAL(&lock);
  return t;
}

/* ---- host task: GAP and GATT --------------------------------------------------------------- */

static int gap_event(struct ble_gap_event *event, void *arg);

/* A central's discovery, per connection (host task only). */
static struct { uint16_t handle; uint16_t value_handle; uint8_t used; } conns[PICOBADGE_MAX_LINKS];

static int conn_count(void)
{
  int n = 0;
  for (int i = 0; i < PICOBADGE_MAX_LINKS; i++) n += conns[i].used;
  return n;
}

static void start_scan(void)
{
  struct ble_gap_disc_params p;
  if (!enabled || connecting || ble_gap_disc_active()) return;
  memset(&p, 0, sizeof p);
  p.passive = 1;            /* the advertisement holds everything; no scan requests */
  p.filter_duplicates = 0;  /* the badge re-decides at every report (docs/ABI.md) */
  ble_gap_disc(own_addr_type, BLE_HS_FOREVER, &p, gap_event, NULL);
}

static void start_advertising(void)
{
  struct ble_gap_adv_params p;
  if (!enabled || adv_len == 0 || ble_gap_adv_active() || conn_count() >= PICOBADGE_MAX_LINKS) return;
  memset(&p, 0, sizeof p);
  p.conn_mode = BLE_GAP_CONN_MODE_UND;
  p.disc_mode = BLE_GAP_DISC_MODE_GEN;
  p.itvl_min = BLE_GAP_ADV_ITVL_MS(900); /* about once a second (docs/SYNC.md, 1) */
  p.itvl_max = BLE_GAP_ADV_ITVL_MS(1100);
  ble_gap_adv_start(own_addr_type, NULL, BLE_HS_FOREVER, &p, gap_event, NULL);
}

static void post_link_up(uint16_t handle, int central, uint16_t value_handle)
{
  struct ble_gap_conn_desc d;
  static struct board_event e; /* host task only */
  if (ble_gap_conn_find(handle, &d) != 0) return;
  memset(&e, 0, sizeof e);
  e.kind = EV_LINK_UP;
  e.handle = handle;
  e.central = (uint8_t)central;
  e.mtu = ble_att_mtu(handle);
  e.value_handle = value_handle;
  memcpy(e.addr, d.peer_id_addr.val, 6);
  board_post(&e, 1);
}

static void post_frame(uint16_t handle, struct os_mbuf *om)
{
  static struct board_event e; /* host task only */
  uint16_t len = 0;
  if (OS_MBUF_PKTLEN(om) > sizeof e.data) {
    /* Longer than MTU - 3: only a broken peer sends it. The core sees the first bytes and drops the link. */
  }
  e.kind = EV_FRAME;
  e.handle = handle;
  if (ble_hs_mbuf_to_flat(om, e.data, sizeof e.data, &len) != 0 && len == 0) return;
  e.len = len;
  board_post(&e, 1); /* frames are never dropped: the link layer waits while the main task catches up */
}

static int cccd_written(uint16_t handle, const struct ble_gatt_error *error, struct ble_gatt_attr *attr, void *arg)
{
  (void)attr;
  uint16_t value_handle = (uint16_t)(uintptr_t)arg;
  if (error->status != 0) { ble_gap_terminate(handle, BLE_ERR_REM_USER_CONN_TERM); return 0; }
  post_link_up(handle, 1, value_handle);
  return 0;
}

static int chr_found(uint16_t handle, const struct ble_gatt_error *error, const struct ble_gatt_chr *chr, void *arg)
{
  (void)arg;
  for (int i = 0; i < PICOBADGE_MAX_LINKS; i++) {
    if (!conns[i].used || conns[i].handle != handle) continue;
    if (error->status == 0 && chr) { conns[i].value_handle = chr->val_handle; return 0; }
    if (error->status == BLE_HS_EDONE && conns[i].value_handle) {
      /* Notifications on: the CCCD is the attribute after the value (picobadge_gatt.h). */
      static const uint8_t on[2] = { 1, 0 };
      uint16_t v = conns[i].value_handle;
      if (ble_gattc_write_flat(handle, (uint16_t)(v + 1), on, sizeof on, cccd_written, (void *)(uintptr_t)v) == 0) return 0;
    }
    ble_gap_terminate(handle, BLE_ERR_REM_USER_CONN_TERM); /* no sync characteristic: not a badge */
    return 0;
  }
  return 0;
}

static int mtu_exchanged(uint16_t handle, const struct ble_gatt_error *error, uint16_t mtu, void *arg)
{
  (void)error; (void)mtu; (void)arg; /* a refused exchange leaves 23: slower, still correct */
  if (ble_gattc_disc_chrs_by_uuid(handle, 1, 0xffff, &sync_uuid.u, chr_found, NULL) != 0)
    ble_gap_terminate(handle, BLE_ERR_REM_USER_CONN_TERM);
  return 0;
}

/* Our characteristic: writes are frames from a central; nothing to read. */
static int sync_access(uint16_t handle, uint16_t attr, struct ble_gatt_access_ctxt *ctxt, void *arg)
{
  (void)attr; (void)arg;
  if (ctxt->op != BLE_GATT_ACCESS_OP_WRITE_CHR) return BLE_ATT_ERR_REQ_NOT_SUPPORTED;
  post_frame(handle, ctxt->om);
  return 0;
}

static const struct ble_gatt_svc_def services[] = {
  {
    .type = BLE_GATT_SVC_TYPE_PRIMARY,
    .uuid = &service_uuid.u,
    .characteristics = (struct ble_gatt_chr_def[]) {
      {
        .uuid = &sync_uuid.u,
        .access_cb = sync_access,
        .flags = BLE_GATT_CHR_F_WRITE_NO_RSP | BLE_GATT_CHR_F_NOTIFY,
        .val_handle = &sync_value_handle,
      },
      { 0 },
    },
  },
  { 0 },
};

static int gap_event(struct ble_gap_event *event, void *arg)
{
  (void)arg;
  static struct board_event e; /* host task only */
  switch (event->type) {
  case BLE_GAP_EVENT_DISC: {
    const struct ble_gap_disc_desc *d = &event->disc;
    /* Only connectable picobadge advertisements reach the queue: 13 FF FF FF B3 (docs/SYNC.md, 1: B0 + protocol version 3). */
    if (d->event_type != BLE_HCI_ADV_RPT_EVTYPE_ADV_IND || d->length_data > 31) return 0;
    int ours = 0;
    for (int i = 0; i + 4 < d->length_data; i++)
      if (d->data[i] == 0x13 && d->data[i + 1] == 0xff && d->data[i + 2] == 0xff && d->data[i + 3] == 0xff && d->data[i + 4] == 0xb3) ours = 1;
    if (!ours) return 0;
    remember_type(&d->addr);
    e.kind = EV_ADVERT;
    memcpy(e.addr, d->addr.val, 6);
    memcpy(e.data, d->data, d->length_data);
    e.len = d->length_data;
    board_post(&e, 0); /* dropped when the queue is full: the next one comes within a second */
    return 0;
  }
  case BLE_GAP_EVENT_CONNECT: {
    struct ble_gap_conn_desc d;
    int central = 0;
    if (event->connect.status == 0 && ble_gap_conn_find(event->connect.conn_handle, &d) == 0) {
      central = d.role == BLE_GAP_ROLE_MASTER;
      int slot = -1;
      for (int i = 0; i < PICOBADGE_MAX_LINKS; i++) if (!conns[i].used) { slot = i; break; }
      if (slot < 0) ble_gap_terminate(event->connect.conn_handle, BLE_ERR_CONN_LIMIT);
      else {
        conns[slot].used = 1;
        conns[slot].handle = event->connect.conn_handle;
        conns[slot].value_handle = 0;
        if (central && ble_gattc_exchange_mtu(event->connect.conn_handle, mtu_exchanged, NULL) != 0)
          ble_gap_terminate(event->connect.conn_handle, BLE_ERR_REM_USER_CONN_TERM);
      }
    }
    if (central || event->connect.status != 0) connecting = 0; /* our attempt ended (a failed one needs no call) */
    start_scan();
    start_advertising(); /* advertising stops when a central connects; go on while slots remain */
    return 0;
  }
  case BLE_GAP_EVENT_DISCONNECT: {
    uint16_t h = event->disconnect.conn.conn_handle;
    int known = 0;
    for (int i = 0; i < PICOBADGE_MAX_LINKS; i++)
      if (conns[i].used && conns[i].handle == h) { conns[i].used = 0; known = 1; }
    if (known) {
      e.kind = EV_LINK_DOWN;
      e.handle = h;
      board_post(&e, 1);
    }
    start_advertising();
    return 0;
  }
  case BLE_GAP_EVENT_SUBSCRIBE:
    if (event->subscribe.attr_handle == sync_value_handle && event->subscribe.cur_notify && !event->subscribe.prev_notify)
      post_link_up(event->subscribe.conn_handle, 0, 0);
    return 0;
  case BLE_GAP_EVENT_NOTIFY_RX:
    if (!event->notify_rx.indication) post_frame(event->notify_rx.conn_handle, event->notify_rx.om);
    return 0;
  case BLE_GAP_EVENT_DISC_COMPLETE:
    start_scan();
    return 0;
  default:
    return 0;
  }
}

static void on_sync(void)
{
  ble_hs_util_ensure_addr(0);
  ble_hs_id_infer_auto(0, &own_addr_type);
  xSemaphoreGive(synced);
}

static void on_reset(int reason) { (void)reason; }

static void host_task(void *param)
{
  (void)param;
  nimble_port_run();
  nimble_port_freertos_deinit();
}

int radio_init(void)
{
  synced = xSemaphoreCreateBinaryStatic(&synced_state);
  if (nimble_port_init() != ESP_OK) return -1;
  ble_hs_cfg.sync_cb = on_sync;
  ble_hs_cfg.reset_cb = on_reset;
  ble_svc_gap_init();
  ble_svc_gatt_init();
  if (ble_gatts_count_cfg(services) != 0 || ble_gatts_add_svcs(services) != 0) return -1;
  ble_svc_gap_device_name_set("picobadge");
  ble_att_set_preferred_mtu(PICOBADGE_ATT_MTU);
  nimble_port_freertos_init(host_task);
  return xSemaphoreTake(synced, pdMS_TO_TICKS(5000)) == pdTRUE ? 0 : -1;
}

/* ---- port.h, main task ----------------------------------------------------------------------- */

int port_radio_advertise(const uint8_t *data, size_t len)
{
  if (len > sizeof adv_data) return -1;
  memcpy(adv_data, data, len);
  adv_len = (uint8_t)len;
  if (ble_gap_adv_set_data(adv_data, (int)len) != 0) return -1;
  start_advertising();
  return 0;
}

int port_radio_connect(const uint8_t addr[6])
{
  ble_addr_t peer;
  peer.type = type_of(addr);
  memcpy(peer.val, addr, 6);
  connecting = 1;
  if (ble_gap_disc_active()) ble_gap_disc_cancel(); /* NimBLE does not connect while it scans */
  /* The badge gives up after 5 s; so does the attempt. */
  if (ble_gap_connect(own_addr_type, &peer, 5000, NULL, gap_event, NULL) != 0) {
    connecting = 0;
    start_scan();
    return -1;
  }
  return 0;
}

int port_radio_disconnect(uint16_t handle)
{
  return ble_gap_terminate(handle, BLE_ERR_REM_USER_CONN_TERM) == 0 ? 0 : -1;
}

void port_radio_enable(int on)
{
  enabled = on;
  if (on) {
    start_scan();
    start_advertising();
  } else {
    if (ble_gap_disc_active()) ble_gap_disc_cancel();
    if (ble_gap_adv_active()) ble_gap_adv_stop();
  }
}

/* ---- send queues (main task) ------------------------------------------------------------------ */

static struct link {
  uint16_t handle;
  uint16_t mtu;
  uint16_t value_handle; /* where frames go: the peer's characteristic (central) or ours (peripheral) */
  uint8_t used, central, head, count, sent;
  uint16_t len[PICOBADGE_FRAMES_IN_FLIGHT];
  uint8_t frame[PICOBADGE_FRAMES_IN_FLIGHT][BOARD_FRAME_MAX];
} links[PICOBADGE_MAX_LINKS];

static struct link *link_of(uint16_t handle)
{
  for (int i = 0; i < PICOBADGE_MAX_LINKS; i++)
    if (links[i].used && links[i].handle == handle) return &links[i];
  return NULL;
}

void radio_link_opened(const struct board_event *ev)
{
  struct link *l = link_of(ev->handle);
  for (int i = 0; !l && i < PICOBADGE_MAX_LINKS; i++) if (!links[i].used) l = &links[i];
  if (!l) return; /* more links than slots: NimBLE's limit is the same 3, so this does not happen */
  memset(l, 0, sizeof *l);
  l->used = 1;
  l->handle = ev->handle;
  l->mtu = ev->mtu;
  l->central = ev->central;
  l->value_handle = ev->central ? ev->value_handle : sync_value_handle;
}

void radio_link_closed(uint16_t handle)
{
  struct link *l = link_of(handle);
  if (l) l->used = 0;
}

/* Hands queued frames to NimBLE in order; stops at the first it has no room for. */
static void flush(struct link *l)
{
  while (l->count) {
    const uint8_t *f = l->frame[l->head];
    uint16_t n = l->len[l->head];
    int rc;
    if (l->central) rc = ble_gattc_write_no_rsp_flat(l->handle, l->value_handle, f, n);
    else {
      struct os_mbuf *om = ble_hs_mbuf_from_flat(f, n);
      rc = om ? ble_gatts_notify_custom(l->handle, l->value_handle, om) : BLE_HS_ENOMEM;
    }
    if (rc == BLE_HS_ENOMEM || rc == BLE_HS_EBUSY) return; /* later, from radio_poll */
    if (rc != 0) { /* the link is going away: its link_down follows */
      l->count = 0;
      return;
    }
    l->head = (uint8_t)((l->head + 1) % PICOBADGE_FRAMES_IN_FLIGHT);
    l->count--;
    l->sent = 1;
  }
}

int port_radio_send(uint16_t handle, const uint8_t *frame, size_t len)
{
  struct link *l = link_of(handle);
  if (!l || len == 0 || len > (size_t)(l->mtu - 3) || len > BOARD_FRAME_MAX || l->count == PICOBADGE_FRAMES_IN_FLIGHT) return -1;
  uint8_t slot = (uint8_t)((l->head + l->count) % PICOBADGE_FRAMES_IN_FLIGHT);
  memcpy(l->frame[slot], frame, len);
  l->len[slot] = (uint16_t)len;
  l->count++;
  flush(l);
  return 0;
}

int radio_poll(void)
{
  int waiting = 0;
  for (int i = 0; i < PICOBADGE_MAX_LINKS; i++) {
    struct link *l = &links[i];
    if (!l->used) continue;
    flush(l);
    if (l->count) { waiting = 1; continue; }
    if (l->sent) {
      l->sent = 0;
      pb_badge_link_ready(l->handle); /* may hand over more frames: this link's queue is empty, so they fit */
      if (l->count) waiting = 1;
    }
  }
  return waiting;
}
