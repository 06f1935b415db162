// Browser-like visitors that keep visiting GET /private and remember what they
// were told, so tests can compare what clients saw with what the table holds.
import { cookieClient, type CookieJar } from '../../support/cookie-jar.js'

export interface Answer {
  /** HTTP status, or 0 when no answer came. */
  readonly status: number
  readonly retryAfter: string | null
  /** The Connection header: `close` when the server wants the connection dropped after this answer. */
  readonly connection?: string | null
  readonly elapsedMs: number
  /** For a 200: the count the page reported. */
  readonly count?: number
  /** For no answer: the connection was refused, so the request never reached a server. */
  readonly refused?: boolean
}

export interface Visitor {
  readonly jar: CookieJar
  readonly answers: Answer[]
  visit(baseUrl: string): Promise<Answer>
  /** Number of 200 answers. */
  ok(): number
  /** Requests that may have reached a server and got no 200: their visit may or may not be stored. */
  unanswered(): number
}

const COUNT = /visited (\d+) times/

export function visitor(): Visitor {
  const client = cookieClient(fetch)
  const answers: Answer[] = []
  return {
    jar: client.jar,
    answers,
    async visit(baseUrl) {
      const started = performance.now()
      let answer: Answer
      try {
        const response = await client.request(`${baseUrl}/private`, { signal: AbortSignal.timeout(30_000) })
        const text = await response.text()
        const match = COUNT.exec(text)
        answer = {
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          connection: response.headers.get('connection'),
          elapsedMs: performance.now() - started,
          ...(response.status === 200 && match ? { count: Number(match[1]) } : {}),
        }
      } catch (error) {
        const code = (error as { cause?: { code?: string } }).cause?.code
        answer = { status: 0, retryAfter: null, elapsedMs: performance.now() - started, refused: code === 'ECONNREFUSED' }
      }
      answers.push(answer)
      return answer
    },
    ok: () => answers.filter((a) => a.status === 200).length,
    unanswered: () => answers.filter((a) => a.status !== 200 && !a.refused).length,
  }
}

export interface LoadOptions {
  readonly baseUrl: string
  /** Pause between two visits of one visitor, so the load stays steady and small. */
  readonly pauseMs?: number
  /** Upper bound on visits per visitor, whatever happens. */
  readonly maxVisits?: number
}

/**
 * Every visitor visits in turn, one request at a time each, until stop() is
 * called; stop() resolves once every visitor has had its last answer.
 */
export function startLoad(visitors: readonly Visitor[], options: LoadOptions) {
  let running = true
  const pause = options.pauseMs ?? 20
  const max = options.maxVisits ?? 500
  const loops = visitors.map(async (v) => {
    for (let n = 0; running && n < max; n++) {
      const answer = await v.visit(options.baseUrl)
      // A refused connection returns at once: wait a little longer so a dead server is not spun on.
      await new Promise((r) => setTimeout(r, answer.status === 0 ? pause * 5 : pause))
    }
  })
  return {
    async stop() {
      running = false
      await Promise.all(loops)
    },
  }
}

/** Waits until `condition` holds, checking every `everyMs`, or fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000, everyMs = 50) {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}
