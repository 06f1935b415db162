import { connect } from 'node:net'
import { serve } from '@hono/node-server'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemorySessionRepository } from '../../src/adapters/memory-session-repository.js'
import { VISITS_FIELD } from '../../src/server/visit-counter.js'
import { createApp } from '../../src/server/app.js'
import type { Logger } from '../../src/server/request-log.js'
import { CountingRepository } from '../../src/testing/counting-repository.js'
import { OTHER_SECRET, SECRET } from '../support/secrets.js'
import { expectedKeyFor, formHeaders, idOf, isValidlySigned, jsonHeaders, signedWith } from './cookies.js'
import { describeEachStore } from '../support/stores.js'

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const b64url = (length: number) => fc.string({ unit: fc.constantFrom(...B64URL), minLength: length, maxLength: length })

/** Bytes as a header value the way Node hands them over (latin1). NUL, CR and LF cannot be sent in a header at all. */
const asHeaderText = (bytes: Uint8Array) =>
  String.fromCharCode(...Array.from(bytes, (b) => (b === 0 || b === 10 || b === 13 ? 0x20 : b)))

/** Adversarial values for the session cookie, built around one genuine cookie. */
function hostileValues(genuine: string): fc.Arbitrary<string> {
  return fc.oneof(
    // a well-formed value with a random signature
    fc.tuple(b64url(43), b64url(43)).map(([id, sig]) => `${id}.${sig}`),
    // a random id signed by someone else's secret
    b64url(43).map((id) => signedWith(OTHER_SECRET, id)),
    // the genuine id with the signature of another id
    b64url(43).map((other) => `${idOf(genuine)}.${signedWith(SECRET, other).split('.')[1]}`),
    // the genuine cookie with one character replaced
    fc.tuple(fc.nat(genuine.length - 1), fc.constantFrom(...B64URL, '.', '=', '+', '/')).map(
      ([i, c]) => genuine.slice(0, i) + c + genuine.slice(i + 1),
    ),
    // truncated, or with something appended
    fc.nat(genuine.length - 1).map((n) => genuine.slice(0, n)),
    fc.string({ minLength: 1, maxLength: 8 }).map((tail) => genuine + tail),
    // id and signature swapped, doubled dots, quoted
    fc.constant(genuine.split('.').reverse().join('.')),
    fc.constant(genuine.replace('.', '..')),
    fc.constant(`"${genuine.slice(1)}"`),
    // bad base64 (standard alphabet, padding, percent-encoding)
    fc.string({ unit: fc.constantFrom(...'+/=%.AZaz09 '), maxLength: 100 }),
    // non-ASCII text as UTF-8 bytes
    fc.string({ unit: 'grapheme', maxLength: 60 }).map((s) => asHeaderText(new TextEncoder().encode(s))),
    // random bytes
    fc.uint8Array({ maxLength: 200 }).map(asHeaderText),
    // huge
    fc.tuple(fc.integer({ min: 4000, max: 70_000 }), fc.constantFrom('a', '.', '=', 'é')).map(([n, c]) => c.repeat(n)),
    // empty and almost empty
    fc.constantFrom('', ' ', '""', '"', '.', '=', ';'),
  )
}

/** Whole Cookie headers: the session cookie once or repeated, among other cookies, or no structure at all. */
function hostileHeaders(genuine: string): fc.Arbitrary<string> {
  const value = hostileValues(genuine)
  const other = fc.tuple(fc.string({ unit: fc.constantFrom(...'abcsid_-'), minLength: 1, maxLength: 6 }), fc.string({ maxLength: 20 }))
  return fc.oneof(
    value.map((v) => `sid=${v}`),
    fc.array(value, { minLength: 2, maxLength: 4 }).map((vs) => vs.map((v) => `sid=${v}`).join('; ')),
    fc.tuple(fc.array(other, { maxLength: 3 }), value, fc.constantFrom('; ', ';', ', ', ' ; ')).map(
      ([others, v, sep]) => [...others.map(([n, x]) => `${n}=${x}`), `sid=${v}`].join(sep),
    ),
    fc.uint8Array({ maxLength: 300 }).map(asHeaderText),
    fc.string({ maxLength: 300 }),
  )
}

/** Every substring shaped like `<id>.<signature>`, so the test can tell whether a header holds a valid cookie anywhere. */
const holdsValidCookie = (header: string) =>
  [...header.matchAll(/(?=([A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}))/g)].some((m) => isValidlySigned(m[1]!, [SECRET]))

type Route = { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string }
const ROUTES: Route[] = [
  { method: 'GET', path: '/private' },
  { method: 'GET', path: '/' },
  { method: 'POST', path: '/login', headers: jsonHeaders, body: '{"user":"mallory"}' },
  { method: 'POST', path: '/logout', headers: jsonHeaders },
]

function capturingLogger() {
  const errors: unknown[] = []
  const logger: Logger = { info: () => {}, error: (fields, message) => void errors.push({ fields, message }) }
  return { logger, errors }
}

describeEachStore('hostile Cookie headers', (store) => {
  let genuine: string
  let genuineKey: string
  let counting: CountingRepository
  let app: ReturnType<typeof createApp>
  let errors: unknown[]

  beforeAll(async () => {
    counting = new CountingRepository(store().repository)
    const captured = capturingLogger()
    errors = captured.errors
    app = createApp({ session: { repository: counting, secret: SECRET }, logger: captured.logger })
    const first = await app.request('http://localhost/private')
    genuine = first.headers.getSetCookie()[0]!.split(';')[0]!.slice('sid='.length)
    genuineKey = expectedKeyFor(idOf(genuine))
  })

  it('always answers 2xx or 4xx, never throws, and never reads or changes a stored session for a header without a valid signature', async () => {
    const runs = store().kind === 'memory' ? 200 : 60
    let unsigned = 0
    await fc.assert(
      fc.asyncProperty(hostileHeaders(genuine), fc.constantFrom(...ROUTES), async (cookie, route) => {
        // A mutation can land back on a valid cookie (the same character, or one of the spellings
        // a signature's unused last bits allow): that is the genuine credential, not hostile input,
        // and a logout with it would end the session this test watches.
        if (holdsValidCookie(cookie)) return
        unsigned++
        counting.reset()
        const commandsBefore = store().commands.length
        const response = await app.request(`http://localhost${route.path}`, {
          method: route.method,
          headers: { ...route.headers, cookie },
          ...(route.body ? { body: route.body } : {}),
        })
        const text = await response.text()
        expect(response.status).toBeGreaterThanOrEqual(200)
        expect(response.status).toBeLessThan(500)
        expect(errors).toEqual([])
        // At most a brand-new session was created; nothing was looked up, changed or deleted.
        expect(counting.readsAndChanges()).toEqual([])
        expect(counting.calls.every((c) => c.key !== genuineKey)).toBe(true)
        if (store().kind === 'dynamodb') {
          // A login binds the new session to mallory: her index item is read and written with it, in one transaction.
          const allowed = route.path === '/login' ? ['PutItem', 'GetItem', 'TransactWriteItems'] : ['PutItem']
          expect(store().commands.slice(commandsBefore).every((name) => allowed.includes(name))).toBe(true)
        }
        // A header too long to parse is refused whole: no cookie replaces the visitor's session.
        if (response.status === 431) expect(response.headers.getSetCookie()).toEqual([])
        else if (route.path === '/private') expect(text).toBe('The /private page has been visited 1 times.')
      }),
      { numRuns: runs },
    )
    expect(unsigned).toBeGreaterThan(runs / 2)
    // The genuine session was never reached: still at its first visit.
    const stored = await store().repository.load(genuineKey, Math.floor(Date.now() / 1000))
    expect(stored?.data[VISITS_FIELD]).toBe(1)
  })
})

describe('hostile login requests', () => {
  it('answer 2xx or 4xx and write nothing unless the login succeeded, whatever the body, content type and origin', async () => {
    const counting = new CountingRepository(new MemorySessionRepository())
    const { logger, errors } = capturingLogger()
    const app = createApp({ session: { repository: counting, secret: SECRET }, logger })
    const body = fc.oneof(
      fc.anything().map((user) => JSON.stringify({ user }) ?? ''),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 80 }).map((user) => new URLSearchParams({ user }).toString()),
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map(asHeaderText),
    )
    const contentType = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      'multipart/form-data; boundary=x',
      'text/plain',
      'application/xml',
      'APPLICATION/JSON',
    )
    const origin = fc.constantFrom(undefined, 'http://localhost', 'https://evil.example', 'null')
    await fc.assert(
      fc.asyncProperty(body, contentType, origin, async (payload, type, from) => {
        counting.reset()
        const response = await app.request('http://localhost/login', {
          method: 'POST',
          headers: { 'content-type': type, ...(from ? { origin: from } : {}) },
          body: payload,
        })
        await response.arrayBuffer()
        expect([200, 303, 400, 403, 413]).toContain(response.status)
        expect(errors).toEqual([])
        if (response.status >= 400) {
          expect(counting.calls).toEqual([])
          expect(response.headers.getSetCookie()).toEqual([])
        }
      }),
      { numRuns: 200 },
    )
  })
})

describe('random bytes in the Cookie header of a real HTTP request', () => {
  let server: ReturnType<typeof serve>
  let port: number
  beforeAll(async () => {
    const app = createApp({ session: { repository: new MemorySessionRepository(), secret: SECRET } })
    port = await new Promise<number>((ok) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => ok(info.port))
    })
  })
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())))

  /** Sends raw bytes over a socket and returns the status of the answer. */
  const rawStatus = (cookie: Uint8Array) =>
    new Promise<number>((ok, fail) => {
      const socket = connect(port, '127.0.0.1')
      const chunks: Buffer[] = []
      socket.setTimeout(10_000, () => (socket.destroy(), fail(new Error('no answer within 10 s'))))
      socket.on('data', (chunk) => chunks.push(chunk))
      socket.on('error', fail)
      socket.on('close', () => {
        const head = /^HTTP\/1\.1 (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'))
        if (head) ok(Number(head[1]))
        else fail(new Error('no HTTP status line in the answer'))
      })
      // CR and LF would end the header line; every other byte goes through as is.
      const value = Buffer.from(cookie.map((b) => (b === 10 || b === 13 ? 0x20 : b)))
      // write, not end: a half-closed client may lose its answer. Connection: close ends the exchange.
      socket.write(
        Buffer.concat([
          Buffer.from('GET /private HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: sid='),
          value,
          Buffer.from('\r\n\r\n'),
        ]),
      )
    })

  it('is answered with 2xx or 4xx by the Node server, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const status = await rawStatus(bytes)
        expect(status).toBeGreaterThanOrEqual(200)
        expect(status).toBeLessThan(500)
      }),
      { numRuns: 60 },
    )
  })
})
