// A refused payment, said where the person will act on it: what happened, that nothing was taken, what to do.
// It takes focus when it appears, so a screen reader user hears it and continues from there.
import { useEffect, useRef } from 'react'

export function DeclineAlert({ heading, reason, next }: { heading: string; reason: string; next: string }) {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    // After the page has focused its heading (a parent's effect, which runs after this one).
    const timer = setTimeout(() => box.current?.focus(), 0)
    return () => clearTimeout(timer)
  }, [reason])
  return (
    <div className="decline" role="alert" tabIndex={-1} ref={box}>
      <h2>{heading}</h2>
      <p>{reason}</p>
      <p>{next}</p>
    </div>
  )
}
