// The person's own security: password, two-step sign-in, email address, and where they are signed in.
import { useMe } from '../api/queries/me'
import { usePermissions } from '../api/queries/me'
import { useMessages } from '../i18n/i18n'
import { useBranding } from '../shell/PartnerLayout'
import { Alert, ErrorState, Loading, Page } from '../ui/ui'
import { EmailSection } from './EmailSection'
import { messages } from './messages'
import { MfaSection } from './MfaSection'
import { PasswordSection } from './PasswordSection'
import { SessionsSection } from './SessionsSection'
import './security.css'

export function SecurityPage() {
  const t = useMessages(messages)
  const branding = useBranding()
  const me = useMe()
  const { readOnly } = usePermissions()
  return (
    <Page title={t('title')}>
      <p className="muted">{t('intro', { partner: branding.name })}</p>
      {readOnly && <Alert tone="warning">{t('readOnly')}</Alert>}
      {me.isPending ? (
        <Loading />
      ) : me.isError || !me.data ? (
        <ErrorState error={me.error} onRetry={() => me.refetch()} />
      ) : (
        <div className="security-sections">
          <PasswordSection me={me.data} readOnly={readOnly} />
          <MfaSection me={me.data} readOnly={readOnly} />
          <EmailSection me={me.data} readOnly={readOnly} />
          <SessionsSection readOnly={readOnly} />
        </div>
      )}
    </Page>
  )
}
