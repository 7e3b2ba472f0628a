import { describe, expect, it } from 'vitest'
import { qrPath } from './QrCode'
import { describeUserAgent } from './userAgent'

describe('describeUserAgent', () => {
  it('names common browsers and systems', () => {
    expect(
      describeUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0'),
    ).toEqual({ browser: 'Edge', os: 'Windows' })
    expect(
      describeUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'),
    ).toEqual({ browser: 'Safari', os: 'iOS' })
    expect(describeUserAgent('Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0')).toEqual({
      browser: 'Firefox',
      os: 'macOS',
    })
    expect(
      describeUserAgent('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36'),
    ).toEqual({ browser: 'Chrome', os: 'Android' })
  })

  it('gives up on anything else', () => {
    expect(describeUserAgent(null)).toBeNull()
    expect(describeUserAgent('')).toBeNull()
    expect(describeUserAgent('python-httpx/0.28')).toBeNull()
  })
})

describe('qrPath', () => {
  it('draws one square per dark module inside a quiet zone', () => {
    const { d, size } = qrPath('otpauth://totp/Northwind:ap%40acme.example?secret=JBSWY3DPEHPK3PXP&issuer=Northwind')
    const modules = [...d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)].map((m) => [Number(m[1]), Number(m[2])])
    expect(modules.length).toBeGreaterThan(100)
    expect(d).toBe(modules.map(([x, y]) => `M${x} ${y}h1v1h-1z`).join(''))
    expect(Math.min(...modules.flat())).toBe(4)
    expect(Math.max(...modules.flat())).toBe(size - 5)
    expect((size - 8 - 17) % 4).toBe(0) // a QR version: 21, 25, 29 … modules a side
  })
})
