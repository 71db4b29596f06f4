"""`python -m bot.review retention [--days N]`: the scheduled deletion of old conversations.

Run it daily (cron, a systemd timer or the platform's scheduler); see the README.
"""

from __future__ import annotations

import argparse

from bot.review.retention import apply_retention
from bot.review.settings import ReviewSettings
from bot.review.tracker import tracker_engine
from bot.storage import Database, database_url, upgrade


def main(argv: list[str] | None = None) -> None:
    settings = ReviewSettings.from_env()
    parser = argparse.ArgumentParser(prog="python -m bot.review")
    parser.add_argument("command", choices=["retention"])
    parser.add_argument(
        "--days",
        type=int,
        default=settings.retention_days,
        help="REVIEW_RETENTION_DAYS or 90",
    )
    parser.add_argument("--tracker-url", default=settings.tracker_url, help="REVIEW_TRACKER_URL")
    parser.add_argument("--url", default=None, help="console DB: CONSOLE_DATABASE_URL or var/")
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be at least 1")
    url = args.url or database_url()
    upgrade(url)
    db = Database(url)
    tracker = tracker_engine(args.tracker_url)
    try:
        result = apply_retention(tracker, db, args.days)
    finally:
        db.dispose()
        tracker.dispose()
    print(
        f"Usunięto rozmów: {result.conversations} (zdarzeń: {result.events}) starszych niż "
        f"{args.days} dni; pominięto z otwartym zgłoszeniem: {result.kept_open}."
    )


if __name__ == "__main__":
    main()
