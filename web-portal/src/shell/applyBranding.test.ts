import { describe, expect, it } from 'vitest'
import type { Branding } from '../api/queries/partner'
import { applyBranding } from './PartnerLayout'

const branding = {
  slug: 'acme',
  name: 'Acme IT',
  primary_color: '#ffd500',
  primary_text_color: '#000000',
  accent_color: '#003366',
} as Branding

describe('applyBranding', () => {
  it('sets the partner colours and the readable text colour the API chose', () => {
    const root = document.createElement('div')
    applyBranding(branding, root)
    expect(root.style.getPropertyValue('--brand')).toBe('#ffd500')
    expect(root.style.getPropertyValue('--on-brand')).toBe('#000000')
    expect(root.style.getPropertyValue('--accent')).toBe('#003366')
    expect(root.dataset.partnerName).toBe('Acme IT')
  })
  it('ignores anything that is not a plain hex colour', () => {
    const root = document.createElement('div')
    applyBranding({ ...branding, primary_color: 'red;background:url(x)' }, root)
    expect(root.style.getPropertyValue('--brand')).toBe('')
  })
})
