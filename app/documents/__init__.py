"""Client documents in the client's language: the language registry, the `documents`
gettext domain (catalogues in translations/<code>/LC_MESSAGES/documents.po, msgids German)
and the helper that renders a bilingual text (German + client language) for the templates
of the appointment card, the consent form, the integration plan and the next-steps summary.
See docs/client-documents.md."""
