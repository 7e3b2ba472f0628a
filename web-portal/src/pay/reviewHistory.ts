// The review step is an entry in the browser's history (`?step=review`): Back returns to the pay form as it was
// left (amounts, date, the method chosen or just entered), and "Change" does the same as Back.
import { useEffect, useRef } from 'react'
import { useNavigate, useSearchParams } from 'react-router'

export function useReviewHistory(onReview: boolean, leave: () => void) {
  const [params, setParams] = useSearchParams()
  const navigate = useNavigate()
  const inUrl = params.get('step') === 'review'
  // Seen in the URL while reviewing: only then does its disappearance mean the person went Back.
  const seen = useRef(false)
  const leaveRef = useRef(leave)
  leaveRef.current = leave
  useEffect(() => {
    if (!onReview) {
      seen.current = false
      return
    }
    if (inUrl) seen.current = true
    else if (seen.current) {
      seen.current = false
      leaveRef.current()
    }
  }, [onReview, inUrl])
  const withStep = (step: string | null) => (current: URLSearchParams) => {
    const next = new URLSearchParams(current)
    if (step) next.set('step', step)
    else next.delete('step')
    return next
  }
  return {
    /** Call with the step change to review: adds the history entry. */
    enter: () => setParams(withStep('review')),
    /** "Change": back to the form, through history when the review has its entry. */
    back: () => (seen.current ? navigate(-1) : leaveRef.current()),
    /** After paying: the review's entry is no more (Back from the confirmation goes to the form). */
    done: () => setParams(withStep(null), { replace: true }),
  }
}
