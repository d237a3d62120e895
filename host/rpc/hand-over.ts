// IDENTITY, STATUS, ENROL and BEACON (docs/RPC.md): which badge is on the port,
// what it holds (badge_status at the board's own clock), and the event key's
// two instruments handed to it while it RUNS. Unlike HELLO
// and CALL they do not put the board in test mode: the firmware gives the
// cert to badge_enrol and the beacon to badge_beacon of the badge as it runs,
// and answers with the core's code and what the host needs to say why a refusal happened (the badge's key,
// the event key the board trusts, its mesh clock).

import { T_ENROL, T_BEACON, T_IDENTITY, T_STATUS, RpcError } from './frames.js'
import { parseStatus, type BadgeStatus } from '../badge.js'
import { CERT_BYTES } from '../enrol.js'
import { BEACON_BYTES, beaconTime } from '../beacon.js'
import { toHex } from '../bytes.js'

/** What sends one request and returns its reply's payload (BoardTarget.request). */
export interface Requester { request (type: number, payload: Uint8Array): Promise<Uint8Array> }

/** ENROL's and IDENTITY's answer: the code, the badge's key (zeros when it has none), the event key the board trusts. */
export interface EnrolReply { code: number, badge: Uint8Array, eventKey: Uint8Array }
export interface BeaconReply { code: number, meshTime: bigint, eventKey: Uint8Array }

/** STATUS's answer: code 0 and the running badge's status, or a code < 0 (-73: not running) and none. */
export interface StatusReply { code: number, status?: BadgeStatus }

const ENROL_REPLY = 4 + 32 + 32
const BEACON_REPLY = 4 + 8 + 32
const STATUS_REPLY = 4 + 80

export function parseEnrolReply (p: Uint8Array): EnrolReply {
  if (p.length !== ENROL_REPLY) throw new RpcError(`the board's ENROL reply is ${p.length} bytes, not ${ENROL_REPLY}`)
  const v = new DataView(p.buffer, p.byteOffset, p.length)
  return { code: v.getInt32(0, true), badge: p.slice(4, 36), eventKey: p.slice(36, 68) }
}

export function parseBeaconReply (p: Uint8Array): BeaconReply {
  if (p.length !== BEACON_REPLY) throw new RpcError(`the board's BEACON reply is ${p.length} bytes, not ${BEACON_REPLY}`)
  const v = new DataView(p.buffer, p.byteOffset, p.length)
  return { code: v.getInt32(0, true), meshTime: v.getBigInt64(4, true), eventKey: p.slice(12, 44) }
}

export function parseStatusReply (p: Uint8Array): StatusReply {
  if (p.length !== STATUS_REPLY) throw new RpcError(`the board's STATUS reply is ${p.length} bytes, not ${STATUS_REPLY}`)
  const v = new DataView(p.buffer, p.byteOffset, p.length)
  const code = v.getInt32(0, true)
  return code === 0 ? { code, status: parseStatus(new DataView(p.buffer, p.byteOffset + 4, 80)) } : { code }
}

/** The running badge's status, read by the board at its own clock; the badge goes on running. */
export async function askStatus (board: Requester): Promise<StatusReply> {
  return parseStatusReply(await board.request(T_STATUS, new Uint8Array()))
}

/** A status in a few labelled lines, one per group of fields (docs/ABI.md "Status"): for a terminal or a page. */
export function statusGroups (s: BadgeStatus): Array<[label: string, value: string]> {
  return [
    ['mesh clock', `${iso(s.meshTime)} (${s.meshTime} ms) · ${s.clockJumps} adjustments`],
    ['chains', `${s.chains} held · ${s.evictions} evicted · digest ${s.fingerprint.toString(16).padStart(16, '0')}`],
    ['blocks', `${s.blocksReceived} received · ${s.blocksSent} sent · ${s.notesDropped} notes dropped`],
    ['links', `${s.linksUp} up · ${s.connections} made · ${s.linksOk} synced · ${s.linksFailed} cut short · ${s.violations} dropped for misbehaviour`],
    ['bytes', `${s.bytesReceived} received · ${s.bytesSent} sent`],
    ['its key', s.newIdentity ? 'made at this start' : 'kept from flash']
  ]
}

/** Why a STATUS answer carries no status, in one line. */
export function statusRefusal (code: number): string {
  if (code === -73) return 'its badge is not running (a HELLO or CALL put it in test mode, e.g. picobadge test, or its start failed): restart the board and try again'
  if (code <= -1000) return `the board could not read its core (firmware status ${code}; the core ${code === -1003 ? 'trapped and restarted' : 'did not answer'})`
  return `the badge answered ${code}`
}

/** The running badge's key and the event key its board trusts (code 0), or code < 0 and no key. */
export async function askIdentity (board: Requester): Promise<EnrolReply> {
  return parseEnrolReply(await board.request(T_IDENTITY, new Uint8Array()))
}

/** Hands `cert` to the running badge; the board's answer. */
export async function handOverCert (board: Requester, cert: Uint8Array): Promise<EnrolReply> {
  if (cert.length !== CERT_BYTES) throw new RangeError(`an enrolment cert is ${CERT_BYTES} bytes`)
  return parseEnrolReply(await board.request(T_ENROL, cert))
}

/** Hands `beacon` to the running badge; the board's answer. */
export async function handOverBeacon (board: Requester, beacon: Uint8Array): Promise<BeaconReply> {
  if (beacon.length !== BEACON_BYTES) throw new RangeError(`a time beacon is ${BEACON_BYTES} bytes`)
  return parseBeaconReply(await board.request(T_BEACON, beacon))
}

/** The outcome in one line; ok is false when the badge did not take what it was given. */
export interface Verdict { ok: boolean, line: string }

const short = (k: Uint8Array) => `${toHex(k).slice(0, 16)}…`
const same = (a: Uint8Array, b: Uint8Array) => toHex(a) === toHex(b)
const iso = (ms: bigint | number) => { const d = new Date(Number(ms)); return Number.isNaN(d.getTime()) ? `${ms} ms` : d.toISOString() }

/** -73 and the firmware's own statuses (PB_CORE_*, boards/common/pb_core.h): the same for both instruments. */
function notTaken (code: number, what: string): string {
  if (code === -73) return `the board refused the ${what}: its badge is not running (a HELLO or CALL put it in test mode, e.g. picobadge test, or its start failed): restart the board and try again`
  if (code <= -1000) return `the board could not hand the ${what} to its core (firmware status ${code}; the core ${code === -1003 ? 'trapped and restarted' : 'did not answer'})`
  return `the board refused the ${what} with code ${code}`
}

/** What the board's ENROL answer means for a cert made for `certFor` and signed by `signer` (public keys). */
export function enrolVerdict (r: EnrolReply, certFor: Uint8Array, signer: Uint8Array): Verdict {
  const who = `badge ${short(r.badge)}`
  switch (r.code) {
    case 1: return { ok: true, line: `${who} took the cert: its first post founds its chain with the enrol block` }
    case 0: return { ok: true, line: `${who} took the cert: its chain already starts with its enrol block` }
    case -76:
      if (!same(r.badge, certFor)) return { ok: false, line: `the board refused the cert (-76): it is for badge ${short(certFor)}, and this board is ${who}` }
      if (!same(r.eventKey, signer)) return { ok: false, line: `the board refused the cert (-76): it trusts event key ${short(r.eventKey)}, and the cert is signed by ${short(signer)}` }
      return { ok: false, line: `the board refused the cert (-76): its signature does not verify for ${who}` }
    case -77: return { ok: false, line: `the board refused the cert (-77): ${who} posted before it was enrolled, so its chain started without one (enrol before the first post)` }
    default: return { ok: false, line: notTaken(r.code, 'cert') }
  }
}

/** What the board's BEACON answer means for `beacon` signed by `signer`. */
export function beaconVerdict (r: BeaconReply, beacon: Uint8Array, signer: Uint8Array): Verdict {
  const at = iso(beaconTime(beacon))
  const clock = `its mesh clock reads ${iso(r.meshTime)}`
  switch (r.code) {
    case 1: return { ok: true, line: `the badge kept the beacon of ${at}: ${clock}` }
    case 0: return { ok: false, line: `the board refused the beacon (0): ${at} is not newer than the beacon it holds; ${clock}` }
    case -75:
      if (!same(r.eventKey, signer)) return { ok: false, line: `the board refused the beacon (-75): it trusts event key ${short(r.eventKey)}, and the beacon is signed by ${short(signer)}` }
      return { ok: false, line: `the board refused the beacon (-75): its signature does not verify under the board's event key ${short(r.eventKey)}` }
    default: return { ok: false, line: notTaken(r.code, 'beacon') }
  }
}

/**
 * Opens the board on `port`, runs `fn`, closes it. The RPC's failures become
 * one line that says what to do: silence is no board (or not a picobadge),
 * ERROR 1 is firmware older than ENROL and BEACON.
 */
export async function onBoard<T> (open: () => Promise<{ board: Requester, close: () => Promise<void> }>, port: string, what: string, fn: (board: Requester) => Promise<T>): Promise<T> {
  const { board, close } = await open()
  try {
    return await fn(board)
  } catch (e) {
    if (!(e instanceof RpcError)) throw e
    if (e.code === 1) throw new RpcError(`the board on ${port} does not know ${what}: its firmware is older than this picobadge (flash a new build)`, 1)
    if (/^no answer/.test(e.message)) throw new RpcError(`no board answered on ${port}: is a picobadge board there and its firmware running (and no monitor holding the port)?`)
    throw e
  } finally { await close() }
}
