import { describe, expect, it } from 'vitest'
import { arrivalOf, routedRequest } from '../../src/server/lambda-arrival.js'

const rest = (path: string, browserPath: string) => ({ path, requestContext: { path: browserPath, stage: 'prod', domainName: 'x.execute-api.us-east-1.amazonaws.com' } })
const httpApi = (rawPath: string, stage: string) => ({ rawPath, requestContext: { http: {}, stage, domainName: 'x.execute-api.us-east-1.amazonaws.com' } })

describe('arrivalOf: the stage prefix and scheme a Lambda event came with', () => {
  it.each([
    ['/private', '/prod/private', '/prod'],
    ['/', '/prod/', '/prod'],
    ['/', '/prod', '/prod'],
    // A custom domain mapped at its root: the browser's path is the resource path.
    ['/private', '/private', ''],
    ['/', '/', ''],
  ])('REST API: path %s, requestContext.path %s → base %j', (path, browserPath, base) => {
    const arrival = arrivalOf(rest(path, browserPath), null)
    expect(arrival).toMatchObject({ integration: 'rest-api', scheme: 'https', basePath: base, routedPrefix: '', manyCookies: true })
  })

  it.each([
    ['/prod/private', 'prod', '/prod'],
    ['/prod', 'prod', '/prod'],
    ['/private', '$default', ''],
    // A custom-domain mapping to a named stage leaves the stage out of rawPath; a path that merely starts alike is not the stage.
    ['/private', 'prod', ''],
    ['/production/x', 'prod', ''],
  ])('HTTP API: rawPath %s on stage %s → prefix %j', (rawPath, stage, prefix) => {
    expect(arrivalOf(httpApi(rawPath, stage), null)).toMatchObject({ integration: 'http-api', basePath: prefix, routedPrefix: prefix })
  })

  it.each([
    // A crafted path would put another site into Location and links: `//evil.test/` is a protocol-relative URL.
    ['/login', '//evil.test/login'],
    ['/', '//evil.test/'],
    ['/login', '/prod/extra/login'],
    ['/login', '/%2F%2Fevil.test/login'],
    ['/login', '/../login'],
    ['/login', '/pr\\od/login'],
    ['/login', `/${'a'.repeat(129)}/login`],
  ])('REST API: a prefix that is not one safe path segment is ignored (path %s, requestContext.path %s)', (path, browserPath) => {
    expect(arrivalOf(rest(path, browserPath), null).basePath).toBe('')
  })

  it.each(['evil.test/x', '/evil', 'a b', '..'])('HTTP API: a stage %j that is not one safe path segment gives no prefix', (stage) => {
    expect(arrivalOf(httpApi(`/${stage}/login`, stage), null)).toMatchObject({ basePath: '', routedPrefix: '' })
  })

  it('REST API: a stage name of letters, digits, - and _ up to 128 characters is a prefix', () => {
    const stage = `v2_beta-${'s'.repeat(120)}`
    expect(arrivalOf(rest('/login', `/${stage}/login`), null).basePath).toBe(`/${stage}`)
  })

  it('function URL: https, no prefix', () => {
    const event = { rawPath: '/private', requestContext: { http: {}, stage: '$default', domainName: 'abc.lambda-url.eu-west-1.on.aws' } }
    expect(arrivalOf(event, 'http')).toEqual({ integration: 'function-url', scheme: 'https', basePath: '', routedPrefix: '', manyCookies: true })
  })

  it.each([
    ['http', 'http'],
    ['HTTPS', 'https'],
    ['http, https', 'http'],
    [null, 'https'],
  ])('ALB: X-Forwarded-Proto %j → %s; one Set-Cookie without multi-value headers', (proto, scheme) => {
    expect(arrivalOf({ path: '/', requestContext: { elb: {} } }, proto)).toMatchObject({ integration: 'alb', scheme, manyCookies: false })
    expect(arrivalOf({ path: '/', multiValueHeaders: {}, requestContext: { elb: {} } }, proto)).toMatchObject({
      integration: 'alb-multi-value',
      scheme,
      manyCookies: true,
    })
  })

  it('API Gateway ignores X-Forwarded-Proto: the scheme is always https', () => {
    expect(arrivalOf(rest('/', '/prod/'), 'http').scheme).toBe('https')
    expect(arrivalOf(httpApi('/', '$default'), 'http').scheme).toBe('https')
  })
})

describe('routedRequest', () => {
  it('sets the scheme and drops the routed prefix, keeping method, headers, query and body', async () => {
    const request = new Request('https://x.example/prod/login?next=1', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' })
    const routed = routedRequest(request, { integration: 'http-api', scheme: 'http', basePath: '/prod', routedPrefix: '/prod', manyCookies: true })
    expect(routed.url).toBe('http://x.example/login?next=1')
    expect(routed.method).toBe('POST')
    expect(routed.headers.get('content-type')).toBe('text/plain')
    expect(await routed.text()).toBe('hello')
  })

  it('returns the request itself when nothing changes', () => {
    const request = new Request('https://x.example/private')
    expect(routedRequest(request, { integration: 'rest-api', scheme: 'https', basePath: '/prod', routedPrefix: '', manyCookies: true })).toBe(request)
  })
})
