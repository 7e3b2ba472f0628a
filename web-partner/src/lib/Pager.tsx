import { common } from '../i18n/common'
import { useMessages } from '../i18n/i18n'
import { Button } from '../ui/ui'
import { nextPage, previousPage, type Paged } from './paging'

/** Previous / Next through a list's cursors; `label` names the list and page for screen readers. */
export function Pager<S extends Paged>({ state, next, label, go }: { state: S; next: string | null | undefined; label: string; go: (s: S) => void }) {
  const t = useMessages(common)
  return (
    <nav className="pager" aria-label={label}>
      <Button variant="secondary" disabled={!state.cursor} onClick={() => go(previousPage(state))}>
        {t('previous')}
      </Button>
      <span>{state.back.length + 1}</span>
      <Button variant="secondary" disabled={!next} onClick={() => next && go(nextPage(state, next))}>
        {t('next')}
      </Button>
    </nav>
  )
}
