/*
 * radio_zephyr.c: port.h's radio on Zephyr's Bluetooth host (docs/SYNC.md).
 * Peripheral and central at once, PICOBADGE_MAX_LINKS links, one GATT
 * service whose sync characteristic carries frames: written without
 * response by a central, notified by a peripheral. A link's handle is its
 * connection's index (bt_conn_index): 0 .. CONFIG_BT_MAX_CONN - 1.
 *
 * Threads: Zephyr calls the connection, GATT and scan callbacks on its
 * Bluetooth threads; they only post to the main thread's queue (board.h)
 * or touch atomics. The main thread runs port_radio_* (inside pb_* calls)
 * and radio_poll/radio_link_*: it owns `links` (the send queues), and it
 * alone starts and stops scanning and advertising (radio_poll keeps them
 * going while the radio is enabled and a slot is free).
 *
 * A link is reported up only when frames can flow both ways: as central
 * once the ATT MTU is exchanged, the sync characteristic found and its
 * notifications enabled; as peripheral once the central has enabled them.
 *
 * Flow: the core hands at most PICOBADGE_FRAMES_IN_FLIGHT frames per link,
 * then waits for link_ready. Each frame goes to the stack with a callback
 * that fires when the controller has sent it; `in_flight` counts those
 * outstanding. When the stack has no buffer (-ENOMEM, -ENOBUFS) the frame
 * waits in the link's queue and radio_poll retries it. When a link's queue
 * is empty and in_flight is back to 0 after sends, the main thread calls
 * pb_badge_link_ready.
 */
#include <errno.h>
#include <string.h>

#include <zephyr/bluetooth/bluetooth.h>
#include <zephyr/bluetooth/conn.h>
#include <zephyr/bluetooth/gatt.h>
#include <zephyr/bluetooth/uuid.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/atomic.h>

#include "board.h"
#include "pb_badge.h"
#include "picobadge_gatt.h"
#include "port.h"

BUILD_ASSERT(CONFIG_BT_MAX_CONN >= PICOBADGE_MAX_LINKS, "the badge keeps 3 links");

static const struct bt_uuid_128 service_uuid = BT_UUID_INIT_128(PICOBADGE_GATT_SERVICE_UUID_LE);
static const struct bt_uuid_128 sync_uuid = BT_UUID_INIT_128(PICOBADGE_GATT_SYNC_UUID_LE);

/* ---- per connection, Bluetooth threads --------------------------------------------------- */

static struct bt_conn *conns[CONFIG_BT_MAX_CONN];              /* a reference per live connection */
static struct bt_gatt_exchange_params mtu_params[CONFIG_BT_MAX_CONN];
static struct bt_gatt_discover_params disc_params[CONFIG_BT_MAX_CONN];
static struct bt_gatt_subscribe_params sub_params[CONFIG_BT_MAX_CONN];
static atomic_t in_flight[CONFIG_BT_MAX_CONN];
static atomic_t central_conns;  /* connections we made, for the slot count */
static atomic_t connecting;     /* 1 while our connection attempt is in flight: scanning waits */

static void post_link_up(struct bt_conn *conn, int central, uint16_t value_handle)
{
  static struct board_event e; /* Bluetooth RX thread only */
  memset(&e, 0, sizeof e);
  e.kind = EV_LINK_UP;
  e.handle = (uint16_t)bt_conn_index(conn);
  e.central = (uint8_t)central;
  e.mtu = bt_gatt_get_mtu(conn);
  e.value_handle = value_handle;
  memcpy(e.addr, bt_conn_get_dst(conn)->a.val, 6);
  board_post(&e, 1);
}

static void post_frame(struct bt_conn *conn, const void *data, uint16_t len)
{
  static struct board_event e; /* Bluetooth RX thread only */
  e.kind = EV_FRAME;
  e.handle = (uint16_t)bt_conn_index(conn);
  e.len = len > sizeof e.data ? sizeof e.data : len; /* longer than MTU - 3: a broken peer; the core drops the link */
  memcpy(e.data, data, e.len);
  board_post(&e, 1); /* frames are never dropped: the link layer waits while the main thread catches up */
}

static uint8_t notified(struct bt_conn *conn, struct bt_gatt_subscribe_params *params, const void *data, uint16_t len)
{
  if (!data) { params->value_handle = 0; return BT_GATT_ITER_STOP; } /* unsubscribed: the link is going */
  post_frame(conn, data, len);
  return BT_GATT_ITER_CONTINUE;
}

static void subscribed(struct bt_conn *conn, uint8_t err, struct bt_gatt_subscribe_params *params)
{
  if (err) { bt_conn_disconnect(conn, BT_HCI_ERR_REMOTE_USER_TERM_CONN); return; }
  post_link_up(conn, 1, params->value_handle);
}

static uint8_t discovered(struct bt_conn *conn, const struct bt_gatt_attr *attr, struct bt_gatt_discover_params *params)
{
  uint8_t i = bt_conn_index(conn);
  if (!attr) { /* done without finding it: not a badge */
    bt_conn_disconnect(conn, BT_HCI_ERR_REMOTE_USER_TERM_CONN);
    return BT_GATT_ITER_STOP;
  }
  (void)params;
  /* Notifications on: the CCCD is the attribute after the value (picobadge_gatt.h). */
  uint16_t value = bt_gatt_attr_value_handle(attr);
  memset(&sub_params[i], 0, sizeof sub_params[i]);
  sub_params[i].value_handle = value;
  sub_params[i].ccc_handle = (uint16_t)(value + 1);
  sub_params[i].value = BT_GATT_CCC_NOTIFY;
  sub_params[i].notify = notified;
  sub_params[i].subscribe = subscribed;
  if (bt_gatt_subscribe(conn, &sub_params[i]) != 0) bt_conn_disconnect(conn, BT_HCI_ERR_REMOTE_USER_TERM_CONN);
  return BT_GATT_ITER_STOP;
}

static void mtu_exchanged(struct bt_conn *conn, uint8_t err, struct bt_gatt_exchange_params *params)
{
  (void)err; (void)params; /* a refused exchange leaves 23: slower, still correct */
  uint8_t i = bt_conn_index(conn);
  memset(&disc_params[i], 0, sizeof disc_params[i]);
  disc_params[i].uuid = &sync_uuid.uuid;
  disc_params[i].func = discovered;
  disc_params[i].start_handle = BT_ATT_FIRST_ATTRIBUTE_HANDLE;
  disc_params[i].end_handle = BT_ATT_LAST_ATTRIBUTE_HANDLE;
  disc_params[i].type = BT_GATT_DISCOVER_CHARACTERISTIC;
  if (bt_gatt_discover(conn, &disc_params[i]) != 0) bt_conn_disconnect(conn, BT_HCI_ERR_REMOTE_USER_TERM_CONN);
}

static void connected(struct bt_conn *conn, uint8_t err)
{
  struct bt_conn_info info;
  uint8_t i = bt_conn_index(conn);
  if (err || bt_conn_get_info(conn, &info) != 0) {
    /* Our attempt failed (the badge gives up on its own): drop bt_conn_le_create's reference. port_radio_connect
     * stored it before the controller could answer (a connection takes at least one advertising interval). */
    if (conns[i] == conn) { bt_conn_unref(conn); conns[i] = NULL; }
    atomic_set(&connecting, 0);
    return;
  }
  int central = info.role == BT_CONN_ROLE_CENTRAL;
  if (central) atomic_set(&connecting, 0);
  if (!central) conns[i] = bt_conn_ref(conn); /* ours already hold the reference bt_conn_le_create gave */
  if (central) {
    atomic_inc(&central_conns);
    mtu_params[i].func = mtu_exchanged;
    if (bt_gatt_exchange_mtu(conn, &mtu_params[i]) != 0) bt_conn_disconnect(conn, BT_HCI_ERR_REMOTE_USER_TERM_CONN);
  }
  static const struct board_event wake = { .kind = EV_WAKE }; /* advertising stopped: radio_poll restarts it */
  board_post(&wake, 0);
}

static void disconnected(struct bt_conn *conn, uint8_t reason)
{
  static struct board_event e; /* Bluetooth RX thread only */
  struct bt_conn_info info;
  (void)reason;
  uint8_t i = bt_conn_index(conn);
  if (bt_conn_get_info(conn, &info) == 0 && info.role == BT_CONN_ROLE_CENTRAL) atomic_dec(&central_conns);
  if (conns[i] == conn) { bt_conn_unref(conn); conns[i] = NULL; }
  atomic_set(&in_flight[i], 0);
  e.kind = EV_LINK_DOWN;
  e.handle = i;
  board_post(&e, 1);
}

BT_CONN_CB_DEFINE(conn_callbacks) = {
  .connected = connected,
  .disconnected = disconnected,
};

/* ---- our GATT service ------------------------------------------------------------------------ */

static ssize_t sync_written(struct bt_conn *conn, const struct bt_gatt_attr *attr, const void *buf, uint16_t len, uint16_t offset, uint8_t flags)
{
  (void)attr; (void)flags;
  if (offset != 0) return BT_GATT_ERR(BT_ATT_ERR_INVALID_OFFSET);
  post_frame(conn, buf, len);
  return len;
}

/* A central enabled notifications: its link is up (per connection: the managed CCC's write callback). */
static ssize_t ccc_written(struct bt_conn *conn, const struct bt_gatt_attr *attr, uint16_t value)
{
  (void)attr;
  if (value & BT_GATT_CCC_NOTIFY) post_link_up(conn, 0, 0);
  return sizeof value;
}

static struct _bt_gatt_ccc sync_ccc = BT_GATT_CCC_INITIALIZER(NULL, ccc_written, NULL);

BT_GATT_SERVICE_DEFINE(picobadge_service,
  BT_GATT_PRIMARY_SERVICE(&service_uuid),
  BT_GATT_CHARACTERISTIC(&sync_uuid.uuid, BT_GATT_CHRC_WRITE_WITHOUT_RESP | BT_GATT_CHRC_NOTIFY,
                         BT_GATT_PERM_WRITE, NULL, sync_written, NULL),
  BT_GATT_CCC_MANAGED(&sync_ccc, BT_GATT_PERM_READ | BT_GATT_PERM_WRITE));

/* attrs: 0 service, 1 characteristic declaration, 2 its value, 3 the CCC. */
#define SYNC_VALUE_ATTR (&picobadge_service.attrs[2])

/* ---- scanning, advertising, address types (main thread) ------------------------------------ */

static int enabled;
static struct bt_data adv[4];
static uint8_t adv_bytes[31];
static size_t adv_count;
static int advertising, scanning;

#define SEEN_MAX 16
static struct { uint8_t addr[6]; uint8_t type; } seen[SEEN_MAX]; /* written on the RX thread, read by main: best effort */
static uint8_t seen_next;

static void scanned(const bt_addr_le_t *addr, int8_t rssi, uint8_t type, struct net_buf_simple *ad)
{
  static struct board_event e; /* Bluetooth RX thread only */
  (void)rssi;
  if (type != BT_GAP_ADV_TYPE_ADV_IND || ad->len > 31) return;
  /* Only picobadge advertisements reach the queue: 13 FF FF FF B3 (docs/SYNC.md, 1: B0 + protocol version 3). */
  int ours = 0;
  for (int i = 0; i + 4 < ad->len; i++)
    if (ad->data[i] == 0x13 && ad->data[i + 1] == 0xff && ad->data[i + 2] == 0xff && ad->data[i + 3] == 0xff && ad->data[i + 4] == 0xb3) ours = 1;
  if (!ours) return;
  int k;
  for (k = 0; k < SEEN_MAX; k++) if (memcmp(seen[k].addr, addr->a.val, 6) == 0) break;
  if (k == SEEN_MAX) { k = seen_next; seen_next = (uint8_t)((seen_next + 1) % SEEN_MAX); }
  memcpy(seen[k].addr, addr->a.val, 6);
  seen[k].type = addr->type;
  e.kind = EV_ADVERT;
  memcpy(e.addr, addr->a.val, 6);
  memcpy(e.data, ad->data, ad->len);
  e.len = ad->len;
  board_post(&e, 0); /* dropped when the queue is full: the next one comes within a second */
}

static int live_links(void)
{
  int n = 0;
  for (int i = 0; i < CONFIG_BT_MAX_CONN; i++) n += conns[i] != NULL;
  return n;
}

static void keep_radio(void)
{
  if (!enabled) return;
  if (!scanning && !atomic_get(&connecting)) {
    struct bt_le_scan_param p = {
      .type = BT_LE_SCAN_TYPE_PASSIVE, /* the advertisement holds everything */
      .options = BT_LE_SCAN_OPT_NONE,  /* no duplicate filter: the badge re-decides at every report */
      .interval = BT_GAP_SCAN_FAST_INTERVAL,
      .window = BT_GAP_SCAN_FAST_WINDOW,
    };
    scanning = bt_le_scan_start(&p, scanned) == 0;
  }
  /* Connectable advertising ends when a central connects (and, connectable + one-time, is not
   * restarted by the stack): restart it here while a slot is free. */
  if (adv_count && live_links() < PICOBADGE_MAX_LINKS) {
    if (advertising) return;
    struct bt_le_adv_param p = BT_LE_ADV_PARAM_INIT(BIT(0) | BIT(1), /* connectable, one-time: restarted here */
                                                    BT_GAP_MS_TO_ADV_INTERVAL(900), BT_GAP_MS_TO_ADV_INTERVAL(1100), NULL);
    int rc = bt_le_adv_start(&p, adv, adv_count, NULL, 0);
    advertising = rc == 0 || rc == -EALREADY;
  } else {
    advertising = 0; /* full: the stack stopped it at the last connection */
  }
}

static uint8_t type_of(const uint8_t addr[6])
{
  for (int i = 0; i < SEEN_MAX; i++)
    if (memcmp(seen[i].addr, addr, 6) == 0) return seen[i].type;
  return BT_ADDR_LE_RANDOM;
}

/* ---- port.h ------------------------------------------------------------------------------------ */

int radio_init(void)
{
  return bt_enable(NULL) == 0 ? 0 : -1;
}

int port_radio_advertise(const uint8_t *data, size_t len)
{
  /* The core's bytes are AD structures (length, type, data); Zephyr takes them parsed. */
  size_t n = 0, at = 0;
  if (len > sizeof adv_bytes) return -1;
  memcpy(adv_bytes, data, len);
  while (at < len) {
    uint8_t l = adv_bytes[at];
    if (l == 0 || at + 1 + l > len || n == sizeof adv / sizeof adv[0]) return -1;
    adv[n].type = adv_bytes[at + 1];
    adv[n].data_len = (uint8_t)(l - 1);
    adv[n].data = &adv_bytes[at + 2];
    n++;
    at += 1u + l;
  }
  adv_count = n;
  if (advertising) {
    if (bt_le_adv_update_data(adv, adv_count, NULL, 0) != 0) advertising = 0; /* it stopped: keep_radio restarts it */
  }
  keep_radio();
  return 0;
}

int port_radio_connect(const uint8_t addr[6])
{
  bt_addr_le_t peer;
  struct bt_conn *conn = NULL;
  peer.type = type_of(addr);
  memcpy(peer.a.val, addr, 6);
  if (scanning) { bt_le_scan_stop(); scanning = 0; } /* the stack does not connect while it scans */
  atomic_set(&connecting, 1);
  if (bt_conn_le_create(&peer, BT_CONN_LE_CREATE_CONN, BT_LE_CONN_PARAM_DEFAULT, &conn) != 0) {
    atomic_set(&connecting, 0);
    keep_radio();
    return -1;
  }
  conns[bt_conn_index(conn)] = conn; /* the reference bt_conn_le_create gave, dropped at disconnected */
  return 0;
}

int port_radio_disconnect(uint16_t handle)
{
  if (handle >= CONFIG_BT_MAX_CONN || !conns[handle]) return -1;
  return bt_conn_disconnect(conns[handle], BT_HCI_ERR_REMOTE_USER_TERM_CONN) == 0 ? 0 : -1;
}

void port_radio_enable(int on)
{
  enabled = on;
  if (on) keep_radio();
  else {
    if (scanning) bt_le_scan_stop();
    if (advertising) bt_le_adv_stop();
    scanning = advertising = 0;
  }
}

/* ---- send queues (main thread) ----------------------------------------------------------------- */

static struct link {
  uint16_t mtu;
  uint16_t value_handle; /* central: the peer's sync characteristic */
  uint8_t used, central, head, count, sent;
  uint16_t len[PICOBADGE_FRAMES_IN_FLIGHT];
  uint8_t frame[PICOBADGE_FRAMES_IN_FLIGHT][BOARD_FRAME_MAX];
} links[CONFIG_BT_MAX_CONN];

static struct bt_gatt_notify_params notify_params[CONFIG_BT_MAX_CONN][PICOBADGE_FRAMES_IN_FLIGHT];

static void frame_sent(struct bt_conn *conn, void *user)
{
  (void)user;
  atomic_dec(&in_flight[bt_conn_index(conn)]);
  static const struct board_event wake = { .kind = EV_WAKE };
  board_post(&wake, 0);
}

void radio_link_opened(const struct board_event *ev)
{
  if (ev->handle >= CONFIG_BT_MAX_CONN) return;
  struct link *l = &links[ev->handle];
  memset(l, 0, sizeof *l);
  l->used = 1;
  l->mtu = ev->mtu;
  l->central = ev->central;
  l->value_handle = ev->value_handle;
}

void radio_link_closed(uint16_t handle)
{
  if (handle < CONFIG_BT_MAX_CONN) links[handle].used = 0;
}

static void flush(uint16_t h)
{
  struct link *l = &links[h];
  struct bt_conn *conn = conns[h];
  while (l->count && conn) {
    uint8_t slot = l->head;
    int rc;
    atomic_inc(&in_flight[h]);
    if (l->central) {
      rc = bt_gatt_write_without_response_cb(conn, l->value_handle, l->frame[slot], l->len[slot], false, frame_sent, NULL);
    } else {
      struct bt_gatt_notify_params *p = &notify_params[h][slot];
      memset(p, 0, sizeof *p);
      p->attr = SYNC_VALUE_ATTR;
      p->data = l->frame[slot];
      p->len = l->len[slot];
      p->func = frame_sent;
      rc = bt_gatt_notify_cb(conn, p);
    }
    if (rc != 0) atomic_dec(&in_flight[h]);
    if (rc == -ENOMEM || rc == -ENOBUFS || rc == -EAGAIN) return; /* later, from radio_poll */
    if (rc != 0) { l->count = 0; return; } /* the link is going away: its link_down follows */
    l->head = (uint8_t)((l->head + 1) % PICOBADGE_FRAMES_IN_FLIGHT);
    l->count--;
    l->sent = 1;
  }
}

int port_radio_send(uint16_t handle, const uint8_t *frame, size_t len)
{
  if (handle >= CONFIG_BT_MAX_CONN) return -1;
  struct link *l = &links[handle];
  if (!l->used || len == 0 || len > (size_t)(l->mtu - 3) || len > BOARD_FRAME_MAX || l->count == PICOBADGE_FRAMES_IN_FLIGHT) return -1;
  /* The slot's bytes stay put until sent: the stack copies them when it takes the frame. */
  uint8_t slot = (uint8_t)((l->head + l->count) % PICOBADGE_FRAMES_IN_FLIGHT);
  memcpy(l->frame[slot], frame, len);
  l->len[slot] = (uint16_t)len;
  l->count++;
  flush(handle);
  return 0;
}

int radio_poll(void)
{
  int waiting = 0;
  keep_radio();
  for (uint16_t h = 0; h < CONFIG_BT_MAX_CONN; h++) {
    struct link *l = &links[h];
    if (!l->used) continue;
    flush(h);
    if (l->count) { waiting = 1; continue; }
    if (l->sent && atomic_get(&in_flight[h]) == 0) {
      l->sent = 0;
      pb_badge_link_ready(h); /* may hand over more frames: this link's queue is empty, so they fit */
      if (l->count) waiting = 1;
    }
  }
  return waiting;
}
