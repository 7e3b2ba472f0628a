// Pieces the lists share: a table's hidden caption and column headings, and links to the invoices a payment
// paid (or will pay).
import type { ReactNode } from 'react'
import { Link } from 'react-router'
import { usePortalPath } from '../shell/paths'

export type Column =
  | string
  | { label: string; num?: boolean; hidden?: boolean; className?: string; content?: ReactNode }

export function TableHead({ caption, columns }: { caption: string; columns: Column[] }) {
  return (
    <>
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {columns.map((column, i) => {
            const c = typeof column === 'string' ? { label: column } : column
            const className = [c.num ? 'num' : '', c.className ?? ''].join(' ').trim() || undefined
            return (
              <th scope="col" key={i} className={className}>
                {c.content ?? (c.hidden ? <span className="visually-hidden">{c.label}</span> : c.label)}
              </th>
            )
          })}
        </tr>
      </thead>
    </>
  )
}

export function InvoiceLinks({ allocations }: { allocations: { invoice_id: string; invoice_number: string }[] }) {
  const to = usePortalPath()
  return (
    <span className="chips">
      {allocations.map((a, i) => (
        <span key={a.invoice_id}>
          <Link to={to(`invoices/${encodeURIComponent(a.invoice_id)}`)}>{a.invoice_number}</Link>
          {i < allocations.length - 1 ? ',' : ''}
        </span>
      ))}
    </span>
  )
}
