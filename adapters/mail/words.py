"""French for the few English phrases the domain puts in an email's context (payment method names, bank return
reasons): the context is written once, in English, when the email is queued; its language is known only when it is
rendered. A phrase not listed here (a processor's own decline message) is shown as it came."""

from __future__ import annotations

from domain.payments.labels import FRENCH_OFFLINE_LABELS, OFFLINE_LABELS, RETURN_REASONS

FRENCH: dict[str, str] = {
    **{OFFLINE_LABELS[method]: french for method, french in FRENCH_OFFLINE_LABELS.items()},
    RETURN_REASONS["R01"]: "Le compte n'avait pas assez de fonds.",
    RETURN_REASONS["R02"]: "Le compte bancaire est fermé.",
    RETURN_REASONS["R03"]: "La banque n'a trouvé aucun compte avec ces coordonnées.",
    RETURN_REASONS["R04"]: "Le numéro de compte n'est pas valide.",
    RETURN_REASONS["R05"]: "La banque a refusé un prélèvement d'entreprise sur ce compte.",
    RETURN_REASONS["R07"]: "Le titulaire du compte a retiré son autorisation pour ce prélèvement.",
    RETURN_REASONS["R08"]: "Le titulaire du compte a fait opposition à ce paiement.",
    RETURN_REASONS["R09"]: "Les fonds du compte n'étaient pas encore disponibles.",
    RETURN_REASONS["R10"]: "Le titulaire du compte a déclaré à la banque que ce prélèvement n'était pas autorisé.",
    RETURN_REASONS["R11"]: "Le titulaire du compte a déclaré à la banque que ce prélèvement ne correspondait pas à "
    "ce qu'il avait autorisé.",
    RETURN_REASONS["R16"]: "Le compte est gelé.",
    RETURN_REASONS["R20"]: "Le compte n'accepte pas les prélèvements.",
    RETURN_REASONS["R29"]: "L'entreprise titulaire du compte a déclaré à la banque que ce prélèvement n'était pas "
    "autorisé.",
    "Your bank did not pay the debit.": "Votre banque n'a pas payé le prélèvement.",
    "The payment could not be made.": "Le paiement n'a pas pu être effectué.",
}
# Generic method names that start a label ("Bank account •••• 6789").
FRENCH_PREFIXES = {"Bank account": "Compte bancaire", "Card": "Carte"}


def in_french(text: str) -> str:
    if text in FRENCH:
        return FRENCH[text]
    for english, french in FRENCH_PREFIXES.items():
        if text == english or text.startswith(english + " •"):
            return french + text[len(english) :]
    return text
