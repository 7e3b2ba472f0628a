// When a page cannot even load (its code is gone after an update, or the network dropped while fetching it):
// a plain message and a reload, instead of the router's developer screen.
import { useRouteError } from 'react-router'
import { defineMessages, useMessages } from '../i18n/i18n'
import { Button } from '../ui/ui'

const messages = defineMessages({
  en: {
    title: 'This page could not be opened',
    body: 'The portal may have been updated, or the connection dropped. Reload the page to try again.',
    reload: 'Reload the page',
  },
  fr: {
    title: "Impossible d'ouvrir cette page",
    body: 'Le portail a peut-être été mis à jour, ou la connexion a été interrompue. Rechargez la page pour réessayer.',
    reload: 'Recharger la page',
  },
})

export function RouteError() {
  const t = useMessages(messages)
  const error = useRouteError()
  if (error) console.error(error)
  return (
    <div className="state state-error" role="alert">
      <h1>{t('title')}</h1>
      <p>{t('body')}</p>
      <Button onClick={() => window.location.reload()}>{t('reload')}</Button>
    </div>
  )
}
