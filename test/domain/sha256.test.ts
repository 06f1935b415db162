import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hmacSha256, sameBytes, sha256 } from '../../src/domain/sha256.js'

const text = (s: string) => new TextEncoder().encode(s)
const hex = (bytes: Uint8Array | ArrayBuffer) => Buffer.from(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes).toString('hex')
const fromHex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'))

// Copied into fresh arrays: Web Crypto's types want bytes on a plain ArrayBuffer.
async function webCryptoHmac(key: Uint8Array, message: Uint8Array): Promise<string> {
  const imported = await crypto.subtle.importKey('raw', new Uint8Array(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return hex(await crypto.subtle.sign('HMAC', imported, new Uint8Array(message)))
}

describe('SHA-256 and HMAC-SHA256 in JavaScript', () => {
  it('give the published digests (FIPS 180-4 examples)', () => {
    expect(hex(sha256(text('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(hex(sha256(text('')))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    expect(hex(sha256(text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    )
  })

  it('give the published MACs (RFC 4231 cases 1, 2 and 6: short key, short text, key longer than a block)', () => {
    expect(hex(hmacSha256(fromHex('0b'.repeat(20)))(text('Hi There')))).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7')
    expect(hex(hmacSha256(text('Jefe'))(text('what do ya want for nothing?')))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    )
    expect(hex(hmacSha256(fromHex('aa'.repeat(131)))(text('Test Using Larger Than Block-Size Key - Hash Key First')))).toBe(
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    )
  })

  it('agree with Web Crypto on every length around the block and padding boundaries', async () => {
    for (const length of [0, 1, 43, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000]) {
      const message = crypto.getRandomValues(new Uint8Array(length))
      expect(hex(sha256(message)), `length ${length}`).toBe(hex(await crypto.subtle.digest('SHA-256', message)))
    }
  })

  it('agree with Web Crypto on random messages and keys (keys shorter and longer than a block)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ minLength: 1, maxLength: 150 }), async (message, key) => {
        expect(hex(sha256(message))).toBe(hex(await crypto.subtle.digest('SHA-256', new Uint8Array(message))))
        expect(hex(hmacSha256(key)(message))).toBe(await webCryptoHmac(key, message))
      }),
      { numRuns: 300 },
    )
  })

  it('one key gives the same MAC on every call (the precomputed key blocks are not consumed)', () => {
    const mac = hmacSha256(text('a secret of some length, used twice'))
    expect(hex(mac(text('first')))).toBe(hex(mac(text('first'))))
    expect(hex(mac(text('first')))).not.toBe(hex(mac(text('second'))))
  })

  it('compare bytes: equal only when every byte and the length match', () => {
    expect(sameBytes(fromHex('00ff10'), fromHex('00ff10'))).toBe(true)
    expect(sameBytes(fromHex('00ff10'), fromHex('00ff11'))).toBe(false)
    expect(sameBytes(fromHex('00ff10'), fromHex('00ff'))).toBe(false)
    expect(sameBytes(new Uint8Array(0), new Uint8Array(0))).toBe(true)
  })
})
