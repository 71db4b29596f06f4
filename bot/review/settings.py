"""The review's settings from environment variables (REVIEW_*), with defaults for `make run`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ReviewSettings:
    """Where the tracker store is and the review's limits; `from_env` names the variables."""

    tracker_url: str = "sqlite:///var/tracker.db"
    retention_days: int = 90
    low_confidence: float = 0.6  # above the FallbackClassifier's 0.5: shows the near misses too
    page_size: int = 50

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ReviewSettings:
        env = dict(os.environ if env is None else env)
        return cls(
            tracker_url=env.get("REVIEW_TRACKER_URL") or cls.tracker_url,
            retention_days=int(env.get("REVIEW_RETENTION_DAYS") or cls.retention_days),
            low_confidence=float(env.get("REVIEW_LOW_CONFIDENCE") or cls.low_confidence),
        )
