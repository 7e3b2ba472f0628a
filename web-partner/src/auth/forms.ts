// Field rules the sign-in screens share (valibot schemas for react-hook-form), with messages in the page's language.
import * as v from 'valibot'
import type { Translate } from '../i18n/i18n'
import type { messages } from './messages'

type T = Translate<keyof typeof messages.en>

export const emailRule = (t: T) =>
  v.pipe(v.string(), v.trim(), v.nonEmpty(t('emailRequired')), v.email(t('emailInvalid')), v.maxLength(320, t('emailInvalid')))

export const passwordRule = (t: T) => v.pipe(v.string(), v.nonEmpty(t('passwordRequired')))

export const newPasswordRule = (t: T) => v.pipe(v.string(), v.minLength(8, t('passwordShort')), v.maxLength(256, t('passwordShort')))

export const codeRule = (t: T) => v.pipe(v.string(), v.trim(), v.regex(/^\d{6}$/, t('codeInvalid')))
