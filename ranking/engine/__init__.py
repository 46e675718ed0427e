"""The rerank job, a package of named steps; ranking.services.rerank() runs it (see run.py)."""

from .plumbing import (
    ALL,
    CATEGORY_STANDING_COLUMNS,
    PRODUCT_SCORE_COLUMNS,
    SCORE_COLUMNS,
    STORED_STANDING_COLUMNS,
    Busy,
    RunResult,
    Scope,
    Split,
)
from .run import FULL_STEPS, INCREMENTAL_STEPS, PG_ADVISORY_KEY, Engine

__all__ = [
    "ALL",
    "CATEGORY_STANDING_COLUMNS",
    "FULL_STEPS",
    "INCREMENTAL_STEPS",
    "PG_ADVISORY_KEY",
    "PRODUCT_SCORE_COLUMNS",
    "SCORE_COLUMNS",
    "STORED_STANDING_COLUMNS",
    "Busy",
    "Engine",
    "RunResult",
    "Scope",
    "Split",
]
