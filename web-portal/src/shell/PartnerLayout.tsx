// Everything under /pay/{slug}: loads the partner's branding, paints it (CSS variables) and follows a slug
// that has moved. An unknown slug gets a plain page that says what to do.
import { createContext, useContext, useEffect } from 'react'
import { Navigate, Outlet, useLocation } from 'react-router'
import { type Branding, usePartner } from '../api/queries/partner'
import { common } from '../i18n/common'
import { useMessages } from '../i18n/i18n'
import { ErrorState, Page } from '../ui/ui'
import { FirstPaint } from './FirstPaint'
import { LanguageSwitch } from './LanguageSwitch'
import { useSlug } from './paths'

const PartnerContext = createContext<Branding | null>(null)

export function useBranding(): Branding {
  const branding = useContext(PartnerContext)
  if (!branding) throw new Error('useBranding outside PartnerLayout')
  return branding
}

const HEX = /^#[0-9a-fA-F]{6}$/

export function applyBranding(branding: Branding, root: HTMLElement = document.documentElement): void {
  if (HEX.test(branding.primary_color)) root.style.setProperty('--brand', branding.primary_color)
  if (HEX.test(branding.primary_text_color)) root.style.setProperty('--on-brand', branding.primary_text_color)
  if (HEX.test(branding.accent_color)) root.style.setProperty('--accent', branding.accent_color)
  root.dataset.partnerName = branding.name
}

export function PartnerLayout() {
  const slug = useSlug()
  const location = useLocation()
  const t = useMessages(common)
  const partner = usePartner(slug)
  const branding = partner.data

  useEffect(() => {
    if (branding) applyBranding(branding)
  }, [branding])

  if (partner.isPending) return <FirstPaint />
  if (partner.isError) {
    const status = (partner.error as { status?: number }).status
    if (status === 404) {
      return (
        <main className="bare" id="main">
          <div className="bare-top">
            <LanguageSwitch />
          </div>
          <Page title={t('unknownPartnerTitle')}>
            <p>{t('unknownPartnerBody')}</p>
          </Page>
        </main>
      )
    }
    return <ErrorState error={partner.error} onRetry={() => partner.refetch()} />
  }
  if (!branding) return <FirstPaint />
  if (branding.slug !== slug) {
    const rest = location.pathname.split('/').slice(3).join('/')
    return <Navigate replace to={`/pay/${branding.slug}${rest ? `/${rest}` : ''}${location.search}${location.hash}`} />
  }
  return (
    <PartnerContext.Provider value={branding}>
      <Outlet />
    </PartnerContext.Provider>
  )
}
