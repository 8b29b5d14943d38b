"""Installable web app: manifest, service worker (served from the site root), offline page."""
