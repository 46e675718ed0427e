"""The ranking's rules that are not part of the formula: how deep exact ranks go, who counts as a
category expert, and the invited-tester bar.

Business policy, the same in every deployment (what a deployment's operator sets is in
config/settings/base.py and docs/deploy.md). The formula's numbers, the level thresholds and a
product's minimum reviews are in ranking/scoring.py. Everything here is read at use (as
`policy.NAME`), so a test patches the constant on this module. docs/ranking.md explains the
rules to users; the levels page (/api/v1/levels/) publishes the tester bar.
"""

# --- ranks ------------------------------------------------------------------------------------
# Exact ranks are kept for the top N reviewers overall and per category (badges: top 10/100/1000).
REVIEWER_RANK_DEPTH = 1000
# Exact ranks are kept for the top N products of each category.
PRODUCT_RANK_DEPTH = 100

# --- category experts -------------------------------------------------------------------------
# An expert of a category has this many ranked reviews in it and this much category reputation.
EXPERT_MIN_REVIEWS = 5
EXPERT_MIN_REPUTATION = 50.0

# --- invited testers (ranking/testers.py, decided after each full rerank) ----------------------
# The share of active reviewers (overall, or of a category's) who can be invited, Vine style;
# the TOP_K caps bound the count in a large community.
TESTER_TOP_SHARE = 0.03
TESTER_TOP_K_OVERALL = 100
TESTER_TOP_K_PER_CATEGORY = 20
# At least this level (levels are relative to the community: scoring.LEVEL_RULES).
TESTER_MIN_LEVEL = 5
# At least this many reviews in the last TESTER_RECENT_DAYS days.
TESTER_MIN_RECENT_REVIEWS = 3
TESTER_RECENT_DAYS = 90
# Hysteresis: demoted after failing the bar on this many consecutive full runs; failures less
# than this many hours apart count once (so a manual re-run does not double-count).
TESTER_DEMOTE_AFTER_FAILURES = 2
TESTER_FAILURE_SPACING_HOURS = 20
