"""`python -m bot.storage upgrade`: migrate the console database (`CONSOLE_DATABASE_URL`)."""

from __future__ import annotations

import argparse

from bot.storage.db import database_url
from bot.storage.migrate import upgrade


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.storage")
    parser.add_argument("command", choices=["upgrade"])
    parser.add_argument("--url", default=None, help="default: CONSOLE_DATABASE_URL or var/")
    args = parser.parse_args(argv)
    url = args.url or database_url()
    upgrade(url)
    print(f"Baza konsoli jest aktualna: {url.split('@')[-1]}")


if __name__ == "__main__":
    main()
