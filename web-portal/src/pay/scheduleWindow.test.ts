import { describe, expect, it } from 'vitest'
import { inWindow, scheduleWindow } from './scheduleWindow'

describe('scheduleWindow', () => {
  it('runs from tomorrow to the earliest due date when nothing is due yet', () => {
    expect(scheduleWindow('2026-12-20', '2026-12-01', 7)).toEqual({ open: true, min: '2026-12-02', max: '2026-12-20', why: 'dueDate' })
  })
  it('lets an overdue invoice be scheduled up to the partner’s days ahead', () => {
    const window = scheduleWindow('2026-11-15', '2026-12-01', 7)
    expect(window).toEqual({ open: true, min: '2026-12-02', max: '2026-12-08', why: 'overdue' })
    expect(inWindow(window, '2026-12-08')).toBe(true)
    expect(inWindow(window, '2026-12-09')).toBe(false)
    expect(inWindow(window, '2026-12-01')).toBe(false)
  })
  it('treats an invoice due today as due, and crosses month ends', () => {
    expect(scheduleWindow('2026-12-31', '2026-12-31', 3)).toEqual({ open: true, min: '2027-01-01', max: '2027-01-03', why: 'overdue' })
  })
  it('refuses, with the reason, when the partner asks for overdue invoices to be paid now', () => {
    expect(scheduleWindow('2026-11-15', '2026-12-01', 0)).toEqual({ open: false, why: 'overdueNotAllowed' })
    expect(scheduleWindow(null, '2026-12-01', 7)).toEqual({ open: false, why: 'noInvoice' })
  })
})
