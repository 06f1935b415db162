import { GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, expect } from 'vitest'
import { userIndexKey } from '../../src/adapters/dynamodb-item.js'
import { storageKeyFor } from '../../src/domain/session-id.js'
import { freshTable } from './dynamodb.js'
import { dynamoDbServerEnv } from './dynamodb-server.js'
import { startServer, type ServerProcess } from './server-process.js'

// Helpers for the issue-20 reproductions: two real server processes on one table of
// DynamoDB Local, raw HTTP with explicit cookies, and the table read back to compare
// what was acknowledged with what is stored.

const COUNT = /^The \/private page has been visited (\d+) times\.$/
export const json = { 'content-type': 'application/json' }

export type Table = Awaited<ReturnType<typeof freshTable>>

export interface TwoServers {
  readonly table: Table
  /** The two instances, both on `table`. */
  readonly servers: readonly [ServerProcess, ServerProcess]
}

/**
 * Registers beforeAll/afterAll that start two server processes on one fresh table,
 * with `env` on top of the DynamoDB environment; the getter works inside tests.
 */
export function twoServersOnOneTable(prefix: string, env: Record<string, string>): () => TwoServers {
  let table: Table | undefined
  let servers: [ServerProcess, ServerProcess] | undefined
  beforeAll(async () => {
    table = await freshTable(prefix)
    const both = dynamoDbServerEnv(table.tableName, env)
    servers = await Promise.all([startServer(both), startServer(both)])
  })
  afterAll(async () => {
    await Promise.all((servers ?? []).map((s) => s.kill()))
    await table?.drop()
  })
  return () => ({ table: table!, servers: servers! })
}

/** What one answer said: its status, the count it showed, and the session cookie it set ('' when it cleared it). */
export interface Answer {
  readonly status: number
  readonly count: number | null
  readonly body: string
  /** `sid=<value>` when the answer set a new cookie, '' when it cleared it, undefined when it left it alone. */
  readonly cookie: string | undefined
}

/** The session cookie a response set: `sid=<value>`, '' when cleared, undefined when untouched. */
export function sessionCookieOf(response: Response): string | undefined {
  const line = response.headers.getSetCookie().find((l) => l.startsWith('sid='))
  if (line === undefined) return undefined
  const pair = line.split(';')[0]!
  return /max-age=0/i.test(line) || pair === 'sid=' ? '' : pair
}

async function answerOf(response: Response): Promise<Answer> {
  const body = await response.text()
  const match = COUNT.exec(body)
  return { status: response.status, count: response.status === 200 && match ? Number(match[1]) : null, body, cookie: sessionCookieOf(response) }
}

/** GET /private on `server`, with `cookie` when given. */
export async function visit(server: ServerProcess, cookie?: string): Promise<Answer> {
  return answerOf(await fetch(`${server.url}/private`, cookie ? { headers: { cookie } } : {}))
}

/** A request with `cookie` on `server`; the answer as read. */
export async function send(server: ServerProcess, path: string, init: RequestInit, cookie?: string): Promise<Answer> {
  const headers = new Headers(init.headers)
  if (cookie) headers.set('cookie', cookie)
  return answerOf(await fetch(`${server.url}${path}`, { ...init, headers }))
}

/** POST /login as `user` on `server` (from the session `cookie` carries, if any); expects 200 and returns the new cookie. */
export async function login(server: ServerProcess, user: string, cookie?: string, userAgent = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0'): Promise<string> {
  const answer = await send(server, '/login', { method: 'POST', headers: { ...json, 'user-agent': userAgent }, body: JSON.stringify({ user }) }, cookie)
  expect(answer.status, answer.body).toBe(200)
  expect(answer.cookie).toMatch(/^sid=/)
  return answer.cookie!
}

/** The cookie after `answer`: the one it set, none when it cleared it, else `before`. */
export const cookieAfter = (before: string | undefined, answer: Answer): string | undefined =>
  answer.cookie === undefined ? before : answer.cookie === '' ? undefined : answer.cookie

/** The storage key a `sid=<id>.<signature>` cookie's session is stored under. */
export const keyOf = (cookie: string): Promise<string> => storageKeyFor(cookie.slice(cookie.indexOf('=') + 1).split('.')[0]!)

export interface Listed {
  readonly handle: string
  readonly current: boolean
}

/** GET /sessions with `cookie`: the listed sessions, or the status when it is not 200. */
export async function listed(server: ServerProcess, cookie: string): Promise<Listed[] | number> {
  const response = await fetch(`${server.url}/sessions`, { headers: { cookie } })
  if (response.status !== 200) return response.status
  return ((await response.json()) as { sessions: Listed[] }).sessions
}

/** Whether the home page, fetched with `cookie`, shows someone logged in. */
export async function loggedIn(server: ServerProcess, cookie: string | undefined): Promise<boolean> {
  const response = await fetch(`${server.url}/`, cookie ? { headers: { cookie } } : {})
  return (await response.text()).includes('Logged in as')
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000)
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until the clock has reached the epoch second `second` (an id created before `second - n` is then due at SESSION_RENEW_SECONDS=n). */
export async function untilSecond(second: number): Promise<void> {
  const wait = second * 1000 - Date.now()
  if (wait > 0) await sleep(wait + 20)
}

/** A stored session, as read from the raw item. */
export interface StoredRow {
  readonly key: string
  readonly views: number | undefined
  readonly user: string | undefined
  readonly lineage: string | undefined
  readonly live: boolean
  /** A retirement marker within its window (moved or retired). */
  readonly marker: boolean
  readonly forward: boolean
}

export function rowOf(item: Record<string, AttributeValue>, now: number): StoredRow {
  const expires = Number(item.expires?.N)
  const maxExpires = Number(item.maxExpires?.N)
  const views = item.data?.M?.views?.N
  return {
    key: item.id!.S!,
    views: views === undefined ? undefined : Number(views),
    user: item.user?.M?.id?.S,
    lineage: item.user?.M?.lineage?.S,
    live: item.version !== undefined && expires > now && maxExpires > now,
    marker: Number(item.retiredUntil?.N) > now,
    forward: item.forward !== undefined,
  }
}

/** Every session item of the table, as rows (index items and legacy items left out). */
export async function storedRows(table: Table): Promise<StoredRow[]> {
  const now = nowSeconds()
  return (await table.scan()).filter((i) => !i.id?.S?.startsWith('user:') && !i.id?.S?.startsWith('sess:')).map((i) => rowOf(i, now))
}

/** The live sessions bound to `user`, as stored. */
export async function liveSessionsOf(table: Table, user: string): Promise<StoredRow[]> {
  return (await storedRows(table)).filter((r) => r.live && r.user === user)
}

/** The user's index item, read strongly: its entries (storage key → deadline `m`) and expiry; null when absent. */
export async function userIndexOf(table: Table, user: string): Promise<{ readonly entries: Map<string, number>; readonly expires: number } | null> {
  const out = await table.client.send(
    new GetItemCommand({ TableName: table.tableName, Key: { id: { S: await userIndexKey(user) } }, ConsistentRead: true }),
  )
  if (!out.Item) return null
  const sessions = out.Item.sessions?.M ?? {}
  return {
    entries: new Map(Object.entries(sessions).map(([key, entry]) => [key, Number(entry.M?.m?.N)])),
    expires: Number(out.Item.expires?.N),
  }
}

/** The row stored under `key`, or undefined. */
export async function rowUnder(table: Table, key: string): Promise<StoredRow | undefined> {
  const out = await table.client.send(new GetItemCommand({ TableName: table.tableName, Key: { id: { S: key } }, ConsistentRead: true }))
  return out.Item ? rowOf(out.Item, nowSeconds()) : undefined
}

/** Starts `work` after `ms` milliseconds (0: at once). */
export const after = <T>(ms: number, work: () => Promise<T>): Promise<T> => (ms > 0 ? sleep(ms).then(work) : work())
