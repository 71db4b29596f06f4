"""The staff console (`/console`): login, the live handoff queue, tickets, call-backs, accounts.

Its services (bot/console/service.py) and routes (bot/console/routes/) are put into the web
application by the app factory (bot/app.py); the pages share the staff web (bot/staffweb/) with
the review. It reaches residents only through the `Delivery` interface (bot/console/delivery.py).
"""
