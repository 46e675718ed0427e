"""The rules of the invited-tester program: campaign limits, deadlines, eligibility, matching and
e-mail retries.

Business policy, the same in every deployment (what a deployment's operator sets is in
config/settings/base.py and docs/deploy.md). Everything here is read at use (as `policy.NAME`),
so a test patches the constant on this module. brands/README.md explains the rules; the
eligibility figures a brand sees are in brands.selectors.eligibility_rules.
"""

from datetime import timedelta

# --- campaigns --------------------------------------------------------------------------------
# A campaign offers between 1 and this many units.
MAX_UNITS_PER_CAMPAIGN = 500
# The invitation window (from when it opens, or now) is at most this many days long.
MAX_WINDOW_DAYS = 60

# --- deadlines --------------------------------------------------------------------------------
# Reminder (in-app and e-mail) this long before a review is due.
REMINDER_BEFORE = timedelta(hours=72)
# A shipped item never marked received is taken as received this many days after shipping.
ASSUME_RECEIVED_DAYS = 14

# --- eligibility ------------------------------------------------------------------------------
# No tester holds more than this many open items (invited, accepted, shipped, received, overdue)
# across all campaigns, so invitations spread over the community.
MAX_OPEN_ITEMS_PER_TESTER = 3
# Overdue rule: a tester with OVERDUE_DEMOTE_COUNT items marked overdue within OVERDUE_WINDOW_DAYS
# is demoted at once (ranking.services.tester_demote, reason "overdue_invites") and is not
# eligible meanwhile. Any item currently overdue and unreviewed also blocks new invitations until
# it is reviewed.
OVERDUE_WINDOW_DAYS = 90
OVERDUE_DEMOTE_COUNT = 2
# Completion rate = reviews written by their deadline / items due, over OVERDUE_WINDOW_DAYS. Below
# MIN_COMPLETION_RATE (once a tester has at least COMPLETION_MIN_ITEMS items due) not eligible.
MIN_COMPLETION_RATE = 0.6
COMPLETION_MIN_ITEMS = 3

# --- matching ---------------------------------------------------------------------------------
# Matching ranks by the completion rate smoothed towards this prior (worth this many items), so a
# newcomer neither tops nor trails it.
COMPLETION_PRIOR_RATE = 0.8
COMPLETION_PRIOR_WEIGHT = 2
# Match score = Σ weight × signal (each signal scaled to 0..1 within the candidate pool).
MATCH_WEIGHTS = {"category_reputation": 0.5, "review_quality": 0.3, "completion": 0.2}
# Scores equal to this many decimals are ties: fewer open items first, then a per-campaign shuffle.
MATCH_TIE_DECIMALS = 2

# --- e-mail outbox (brands.outbox) --------------------------------------------------------------
# The periodic drain takes an e-mail this long after it was written (its own task, enqueued at
# commit, goes first); after a failed attempt it waits this long doubled per attempt, giving up
# after EMAIL_MAX_ATTEMPTS (about 8.5 hours of retries).
EMAIL_RETRY_AFTER = timedelta(minutes=1)
EMAIL_MAX_ATTEMPTS = 10
