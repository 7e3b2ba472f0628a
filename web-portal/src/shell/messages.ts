// The signed-in frame: the phone's menu button and the support line in the footer.
import { defineMessages } from '../i18n/i18n'

export const shellMessages = defineMessages({
  en: {
    menu: 'Menu',
    support: 'Questions? Contact {name} at',
  },
  fr: {
    menu: 'Menu',
    support: 'Des questions ? Contactez {name} :',
  },
})
