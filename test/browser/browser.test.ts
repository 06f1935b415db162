import type { Browser } from 'playwright-core'
import { afterAll, describe, expect, it, onTestFailed } from 'vitest'
import { launchChromium } from '../support/chromium.js'
import { endpoint, uniqueTableName } from '../support/dynamodb.js'
import { killAndRestart, startServer, type ServerProcess } from '../support/server-process.js'

describe('a real browser (headless Chromium) against the real server on DynamoDB Local', () => {
  const env = {
    SESSION_STORE: 'dynamodb',
    DYNAMODB_ENDPOINT: endpoint(),
    SESSION_TABLE: uniqueTableName('browser'),
    // A cold DynamoDB Local on a busy machine can take seconds per call; this test is not about deadlines.
    DYNAMODB_TIMEOUT_MS: '15000',
  }
  const servers: ServerProcess[] = []
  let browser: Browser | undefined

  const start = async (port?: number) => {
    const server = await startServer(env, port)
    servers.push(server)
    return server
  }

  afterAll(async () => {
    await browser?.close()
    await Promise.all(servers.map((s) => s.kill()))
  })

  it('counts reloads of /private, keeps counting after a SIGKILL and restart, and logs in and out through the home page', async () => {
    onTestFailed(() => {
      for (const s of servers) console.error(`server on port ${s.port} printed:\n${s.output()}`)
    })
    // Launched inside the test, so a missing Chromium fails it rather than skipping it.
    browser = await launchChromium()
    const page = await browser.newPage()
    const body = async () => (await page.locator('body').innerText()).trim()
    let server = await start()

    await page.goto(`${server.url}/private`)
    expect(await body()).toBe('The /private page has been visited 1 times.')
    await page.reload()
    expect(await body()).toBe('The /private page has been visited 2 times.')

    server = await killAndRestart(server, start)

    // The browser still holds its cookie; only the server process is new.
    await page.reload()
    expect(await body()).toBe('The /private page has been visited 3 times.')

    await page.goto(`${server.url}/`)
    expect(await page.locator('#count').innerText()).toBe('Visits to /private in this session: 3')
    expect(await page.locator('#user').innerText()).toBe('Not logged in.')
    expect(await page.locator('a[href="/private"]').count()).toBe(1)

    await page.fill('form[action="/login"] input[name="user"]', 'alice')
    await Promise.all([page.waitForURL(`${server.url}/`), page.click('form[action="/login"] button')])
    expect(await page.locator('#user').innerText()).toBe('Logged in as alice.')
    // Logging in gives the session a new id but keeps its data.
    expect(await page.locator('#count').innerText()).toBe('Visits to /private in this session: 3')

    await Promise.all([page.waitForURL(`${server.url}/`), page.click('form#logout button')])
    expect(await page.locator('#user').innerText()).toBe('Not logged in.')
    expect(await page.locator('#count').innerText()).toBe('Visits to /private in this session: 0')

    await page.goto(`${server.url}/private`)
    expect(await body()).toBe('The /private page has been visited 1 times.')
  })
})
