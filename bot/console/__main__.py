"""`python -m bot.console create-admin LOGIN` and `python -m bot.console migrate`.

The first administrator cannot be created from the console (nobody can log in yet), hence the
command. The password comes from a prompt, or from the first line of stdin when it is piped.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.console.accounts import AccountError, AccountService
from bot.console.config import ConsoleSettings
from bot.storage import Database, upgrade
from bot.storage.models import Role


def read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Hasło: ")
    if first != getpass.getpass("Hasło ponownie: "):
        raise AccountError("Hasła nie są takie same.")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.console")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-admin", help="utwórz konto administratora")
    create.add_argument("login")
    create.add_argument("--first-name", default="Administrator")
    commands.add_parser("migrate", help="zaktualizuj bazę konsoli")
    args = parser.parse_args(argv)

    settings = ConsoleSettings.from_env()
    upgrade(settings.database_url)
    if args.command == "migrate":
        print("Baza konsoli jest aktualna.")
        return 0
    db = Database(settings.database_url)
    try:
        AccountService(db, settings).create(
            args.login, args.first_name, Role.admin, read_password(), actor=None
        )
    except AccountError as error:
        print(f"Nie utworzono konta: {error}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
    print(f"Utworzono konto administratora „{args.login}”.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
