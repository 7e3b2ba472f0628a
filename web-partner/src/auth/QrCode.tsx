// The QR code of an `otpauth://` URI, drawn as one SVG path (no image, so the strict CSP and any zoom level are
// fine); as the portal's (web-portal/src/security/QrCode.tsx). Loaded only with the MFA set-up page.
import qrcode from 'qrcode-generator'
import { useMemo } from 'react'

const QUIET_ZONE = 4 // modules of white around the code, as scanners expect

/** The SVG path of the dark modules, offset by the quiet zone; and the side length in modules. */
export function qrPath(text: string): { d: string; size: number } {
  const qr = qrcode(0, 'M')
  qr.addData(text)
  qr.make()
  const count = qr.getModuleCount()
  const parts: string[] = []
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.isDark(row, col)) parts.push(`M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`)
    }
  }
  return { d: parts.join(''), size: count + QUIET_ZONE * 2 }
}

export default function QrCode({ value, label, pixels = 208 }: { value: string; label: string; pixels?: number }) {
  const { d, size } = useMemo(() => qrPath(value), [value])
  return (
    <svg
      className="qr-code"
      role="img"
      aria-label={label}
      width={pixels}
      height={pixels}
      viewBox={`0 0 ${size} ${size}`}
      shapeRendering="crispEdges"
    >
      <rect width={size} height={size} fill="#ffffff" />
      <path d={d} fill="#000000" />
    </svg>
  )
}
