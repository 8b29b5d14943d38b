"""Data protection: subject access, rectification history, retention and anonymisation.

Other features plug in through `app.privacy.registry` (subject access sections, anonymisers)."""
