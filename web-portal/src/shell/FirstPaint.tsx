// What shows while the partner's branding and the session load: the same header band the server painted into
// index.html (api/web_portal.py), in the partner's colours and with its name, instead of a lone spinner.
import { common } from '../i18n/common'
import { useMessages } from '../i18n/i18n'

export function FirstPaint() {
  const t = useMessages(common)
  const name = typeof document === 'undefined' ? '' : (document.documentElement.dataset.partnerName ?? '')
  return (
    <div className="first-paint" aria-busy="true">
      <div className="first-paint-band">
        <span className="first-paint-name">{name}</span>
      </div>
      <p className="visually-hidden" role="status">
        {t('loading')}
      </p>
    </div>
  )
}
