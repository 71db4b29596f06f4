"""A social worker in the staff console, as the real gateway serves it (for end-to-end tests)."""

from __future__ import annotations

import re

import requests

from bot.console.accounts import AccountService
from bot.console.config import ConsoleSettings
from bot.storage import Database
from bot.storage.models import Role

PASSWORD = "haslo-pracownika-12"


def ensure_workers(db: Database, *logins: str) -> list[str]:
    """Workers' accounts (first name = the login capitalised), created once per database."""
    accounts = AccountService(db, ConsoleSettings())
    existing = {a.login for a in accounts.list()}
    for login in logins:
        if login not in existing:
            accounts.create(login, login.capitalize(), Role.worker, PASSWORD, actor=None)
    return list(logins)


class Worker:
    """A social worker in the staff console, with the cookie and CSRF token a browser keeps."""

    def __init__(self, gateway: str, login: str) -> None:
        self.gateway = gateway
        self.http = requests.Session()
        page = self.http.get(f"{gateway}/console/login", timeout=10).text
        data = {"login": login, "password": PASSWORD, "csrf_token": _csrf(page)}
        queue = self.http.post(f"{gateway}/console/login", data=data, timeout=10)
        assert queue.url.endswith("/console/queue"), queue.text
        self.csrf = _csrf(queue.text)

    def queue(self) -> list[dict]:
        return self.http.get(f"{self.gateway}/console/api/queue", timeout=10).json()["tickets"]

    def ticket(self, ticket_id: int) -> dict:
        return self.http.get(f"{self.gateway}/console/api/tickets/{ticket_id}", timeout=30).json()

    def act(self, ticket_id: int, action: str, **form: str) -> requests.Response:
        url = f"{self.gateway}/console/tickets/{ticket_id}/{action}"
        return self.http.post(url, data={"csrf_token": self.csrf, **form}, timeout=60)

    def callbacks(self) -> str:
        """The call-back requests page, as this worker sees it."""
        return self.http.get(f"{self.gateway}/console/callbacks", timeout=10).text

    def take_callback(self, callback_id: int) -> requests.Response:
        """Click „Biorę”: the call-back's contact is then shown to this worker."""
        url = f"{self.gateway}/console/callbacks/{callback_id}/take"
        return self.http.post(url, data={"csrf_token": self.csrf}, timeout=10)


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
