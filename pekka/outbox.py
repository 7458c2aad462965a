"""The outbox page: what this phone keeps to send. The server renders only the frame; static/js/outbox.js fills it
from the phone's IndexedDB, so the page holds no record of its own and works from the phone's copy offline."""

from django.shortcuts import render


def outbox(request):
    """Every signed-in user has one (the entries are hers, on her phone); it lists nothing from the database."""
    return render(request, "pwa/outbox.html")
