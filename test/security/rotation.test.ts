import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/server/config.js'
import { createApp } from '../../src/server/app.js'
import { MemorySessionRepository } from '../../src/adapters/memory-session-repository.js'
import { testApp } from '../support/app.js'
import { CookieJar } from '../support/cookie-jar.js'
import { CountingRepository } from '../../src/testing/counting-repository.js'
import { NEW_SECRET, OLD_SECRET } from '../support/secrets.js'
import { expectedKeyFor, idOf, signedWith } from './cookies.js'
import { describeEachStore } from '../support/stores.js'

describeEachStore('secret rotation', (store) => {
  it('keeps a session whose cookie was signed with the old secret when the app runs with "new,old", and re-signs it with the new one', async () => {
    const { repository } = store()
    const before = testApp({ repository, secret: OLD_SECRET })
    const jar = new CookieJar()
    await before.client(jar).request('/private')
    await before.client(jar).request('/private')
    const oldCookie = jar.get('sid')!
    const id = idOf(oldCookie)
    expect(oldCookie).toBe(signedWith(OLD_SECRET, id))

    const rotated = testApp({ repository, secret: [NEW_SECRET, OLD_SECRET] })
    // A read alone keeps the old cookie working without rewriting it.
    const home = await rotated.client(jar).request('/')
    expect(await home.text()).toContain('Visits to /private in this session: 2')
    const response = await rotated.client(jar).request('/private')
    expect(await response.text()).toBe('The /private page has been visited 3 times.')
    expect(jar.get('sid')).toBe(signedWith(NEW_SECRET, id))

    // Once the old secret is gone, the re-signed cookie still works.
    const after = testApp({ repository, secret: [NEW_SECRET] })
    expect(await (await after.client(jar).request('/private')).text()).toBe('The /private page has been visited 4 times.')
  })

  it('gives a cookie signed by a removed secret a new session, without any store call for the old id', async () => {
    const fixture = store()
    const before = testApp({ repository: fixture.repository, secret: OLD_SECRET })
    const jar = new CookieJar()
    await before.client(jar).request('/private')
    const oldCookie = jar.get('sid')!

    const counting = new CountingRepository(fixture.repository)
    const after = testApp({ repository: counting, secret: [NEW_SECRET] })
    const commandsBefore = fixture.commands.length
    const response = await after.client(jar).request('/private')
    expect(await response.text()).toBe('The /private page has been visited 1 times.')
    const issued = jar.get('sid')!
    expect(idOf(issued)).not.toBe(idOf(oldCookie))
    expect(issued).toBe(signedWith(NEW_SECRET, idOf(issued)))
    // Only the new session was written; nothing looked up, changed or deleted.
    expect(counting.calls).toEqual([{ op: 'create', key: expectedKeyFor(idOf(issued)) }])
    if (fixture.kind === 'dynamodb') expect(fixture.commands.slice(commandsBefore)).toEqual(['PutItem'])

    // The old session itself is untouched: the old secret still opens it.
    const oldJar = new CookieJar()
    oldJar.set('sid', oldCookie)
    expect(await (await before.client(oldJar).request('/private')).text()).toBe('The /private page has been visited 2 times.')
  })

  it('answers a cookie whose signature fails with no DynamoDB or memory call at all when the route only reads', async () => {
    const fixture = store()
    const counting = new CountingRepository(fixture.repository)
    const app = testApp({ repository: counting, secret: [NEW_SECRET] })
    const jar = new CookieJar()
    jar.set('sid', signedWith(OLD_SECRET, 'A'.repeat(43)))
    const commandsBefore = fixture.commands.length
    const response = await app.client(jar).request('/')
    expect(response.status).toBe(200)
    expect(counting.calls).toEqual([])
    expect(fixture.commands.slice(commandsBefore)).toEqual([])
  })
})

describe('SESSION_SECRET with several secrets', () => {
  it('reads "new, old" from the environment in order: the first signs, both verify', async () => {
    const repository = new MemorySessionRepository()
    const oldApp = testApp({ repository, secret: OLD_SECRET })
    const jar = new CookieJar()
    await oldApp.client(jar).request('/private')
    const id = idOf(jar.get('sid')!)

    const config = loadConfig({ SESSION_SECRET: ` ${NEW_SECRET} , ${OLD_SECRET} ` })
    expect(config.session.secrets).toEqual([NEW_SECRET, OLD_SECRET])
    // Wired the way src/server/main.ts wires it.
    const app = createApp({ session: { repository, ...config.session, secret: config.session.secrets } })
    const response = await app.request('http://localhost/private', { headers: { cookie: jar.header() } })
    expect(await response.text()).toBe('The /private page has been visited 2 times.')
    const setCookie = response.headers.getSetCookie()[0]!
    expect(setCookie.startsWith(`sid=${signedWith(NEW_SECRET, id)};`)).toBe(true)
  })

  it('refuses a list in which any secret is shorter than 32 characters', () => {
    expect(() => loadConfig({ SESSION_SECRET: `${NEW_SECRET},short` })).toThrow(/SESSION_SECRET/)
  })
})
