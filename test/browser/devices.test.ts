import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, describe, expect, it, onTestFailed } from 'vitest'
import { launchChromium } from '../support/chromium.js'
import { endpoint, uniqueTableName } from '../support/dynamodb.js'
import { ROOT, startServer, type ServerProcess } from '../support/server-process.js'

const SCREENSHOT = join(ROOT, 'docs', 'sessions-page.png')
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'
const WINDOWS_FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0'

describe('a user\'s sessions in real browsers (headless Chromium) against the real server on DynamoDB Local', () => {
  let server: ServerProcess | undefined
  let browser: Browser | undefined

  afterAll(async () => {
    await browser?.close()
    await server?.kill()
  })

  /** A separate browser profile (its own cookies), logged in as `user` through the home page's form. */
  async function loggedInDevice(user: string, userAgent?: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser!.newContext({ ...(userAgent ? { userAgent } : {}), viewport: { width: 760, height: 480 }, deviceScaleFactor: 2 })
    const page = await context.newPage()
    await page.goto(`${server!.url}/`)
    await page.fill('form[action="/login"] input[name="user"]', user)
    await Promise.all([page.waitForURL(`${server!.url}/`), page.click('form[action="/login"] button')])
    expect(await page.locator('#user').innerText()).toBe(`Logged in as ${user}.`)
    return { context, page }
  }

  const privateCount = async (page: Page) => {
    await page.goto(`${server!.url}/private`)
    return (await page.locator('body').innerText()).trim()
  }

  it('two browsers logged in as alice: revoking one from the other\'s page logs it out; a screenshot of the page', async () => {
    onTestFailed(() => console.error(`server printed:\n${server?.output()}`))
    server = await startServer({
      SESSION_STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: endpoint(),
      SESSION_TABLE: uniqueTableName('devices'),
      DYNAMODB_TIMEOUT_MS: '15000',
    })
    browser = await launchChromium()

    const laptop = await loggedInDevice('alice')
    const phone = await loggedInDevice('alice', PHONE)
    const desktop = await loggedInDevice('alice', WINDOWS_FIREFOX)
    expect(await privateCount(phone.page)).toBe('The /private page has been visited 1 times.')
    expect(await privateCount(phone.page)).toBe('The /private page has been visited 2 times.')

    const page = laptop.page
    await page.goto(`${server.url}/`)
    const rows = page.locator('#sessions li.device')
    expect(await rows.count()).toBe(3)
    // This device comes first.
    expect(await rows.first().locator('.badge').innerText()).toMatch(/this device/i)
    expect(await page.locator('#sessions li.device.current').count()).toBe(1)
    expect(await page.locator('#sessions li.device.current .agent').innerText()).toBe('Chrome on Linux')
    expect(await page.locator('#sessions li.device.current').innerText()).toMatch(/this device/i)
    // The current session has no revoke button; the two others have one each.
    expect(await page.locator('#sessions li.device form button').count()).toBe(2)
    // The inline style applies under the app's secure headers: the page is laid out by it, not the browser's defaults.
    expect(await page.locator('main').evaluate((el) => getComputedStyle(el).maxWidth)).toBe('640px')

    mkdirSync(join(ROOT, 'docs'), { recursive: true })
    await page.screenshot({ path: SCREENSHOT, fullPage: true })

    const phoneRow = rows.filter({ hasText: 'Safari on iOS' })
    expect(await phoneRow.count()).toBe(1)
    await Promise.all([page.waitForURL(`${server.url}/`), phoneRow.locator('button').click()])
    expect(await rows.count()).toBe(2)
    expect(await rows.filter({ hasText: 'Safari on iOS' }).count()).toBe(0)

    // The revoked browser still holds its cookie, but its session is gone: logged out, counting from 1.
    await phone.page.goto(`${server.url}/`)
    expect(await phone.page.locator('#user').innerText()).toBe('Not logged in.')
    expect(await privateCount(phone.page)).toBe('The /private page has been visited 1 times.')
    // The third browser was not touched.
    await desktop.page.goto(`${server.url}/`)
    expect(await desktop.page.locator('#user').innerText()).toBe('Logged in as alice.')

    // "Log out everywhere" from the laptop ends the desktop's session too.
    await Promise.all([page.waitForURL(`${server.url}/`), page.click('form#logout-everywhere button')])
    expect(await page.locator('#user').innerText()).toBe('Not logged in.')
    await desktop.page.goto(`${server.url}/`)
    expect(await desktop.page.locator('#user').innerText()).toBe('Not logged in.')
  })
})
