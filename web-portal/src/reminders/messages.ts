// Email preferences.
import { defineMessages } from '../i18n/i18n'

export const messages = defineMessages({
  en: {
    title: 'Notifications',
    intro: 'Choose which emails you get about {account}. Your choice does not change what your colleagues receive.',
    reminders: 'Invoice reminders',
    remindersHint: 'Emails before an invoice is due and when it is overdue.',
    on: 'On',
    off: 'Off',
    always: 'Receipts and the outcome of payments you make or schedule are always sent.',
    savedOn: 'Saved: you will get invoice reminders.',
    savedOff: 'Saved: you will not get invoice reminders.',
    saving: 'Saving…',
  },
  fr: {
    title: 'Notifications',
    intro: "Choisissez les courriels que vous recevez au sujet de {account}. Votre choix ne change rien pour vos collègues.",
    reminders: 'Rappels de factures',
    remindersHint: "Courriels avant l'échéance d'une facture et lorsqu'elle est en retard.",
    on: 'Activés',
    off: 'Désactivés',
    always: 'Les reçus et le résultat des paiements que vous faites ou planifiez sont toujours envoyés.',
    savedOn: 'Enregistré : vous recevrez les rappels de factures.',
    savedOff: 'Enregistré : vous ne recevrez pas les rappels de factures.',
    saving: 'Enregistrement…',
  },
})
