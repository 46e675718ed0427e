"""For You product policy, declared once: list sizes, affinities, diversity, the first-chance
tiers and what early engagement weighs. docs/foryou.md explains each; tests read these names."""

from datetime import timedelta

# --- what is kept --------------------------------------------------------------------------------
LIST_SIZE = 400  # own candidates (co-engagement, follows) kept per active person
POOL_SIZE = 200  # reviews kept per category or #tag pool
GLOBAL_POOL_SIZE = 300  # "Popular on Candor": everyone's fallback and room to discover
# A list's co-engagement work grows with seeds x engagers x each engager's votes: both bounded.
SEEDS_PER_KIND = 10  # latest saves, comments, helpful votes a list is built from
CO_ENGAGEMENT_SEEDS = 20  # of those, saves first, then comments, then votes
ENGAGERS_PER_SEED = 20  # latest people who engaged with a seed, for co-engagement
# A review's co-engaged neighbours are kept once (CoEngagement) for everyone whose signal it is.
NEIGHBOURS_PER_SEED = 40
NEIGHBOURS_MAX_AGE = timedelta(hours=2)  # rebuilt by the first list that needs them after this
NEIGHBOUR_SEEDS_PER_STATEMENT = 500
BUILD_CHUNK = 500  # lists built together (a few statements for all of them)
FOLLOWED_REVIEWS = 80  # best recent reviews of people followed
FOLLOWED_DAYS = 30
SEEN_KEPT = 2000  # seen entries kept per person (oldest dropped)
SERVED_KEPT = 1000  # cards of one scroll remembered (the last page a cursor can reach)

# --- freshness of the lists ------------------------------------------------------------------------
ACTIVE_DAYS = 14  # people who opened For You this recently have their lists refreshed
LIST_MAX_AGE = timedelta(minutes=15)  # a list older than this is rebuilt by the next run
POOL_MAX_AGE = timedelta(minutes=10)
REFRESH_BATCH = 2000  # people rebuilt per run at most (the most out of date first)
# A run stops rebuilding lists after this long (the rest are due first next run), so runs stay
# shorter than their interval and the lock never expires under one.
REFRESH_BUDGET_SECONDS = 90
REFRESH_LOCK_SECONDS = 600
VISIT_RECORD_EVERY = timedelta(minutes=5)

# --- scoring: prior is the review's discover score (ln(quality) + created/tau) ------------------
# Each source multiplies the quality by an affinity; the list is ordered by discover + ln(affinity),
# so a loved but poor note (low quality) still loses to a good one.
AFFINITY_MAX = 4.0
SEED_WEIGHTS = {"saved": 1.0, "commented": 1.0, "helpful": 0.7}
CO_ENGAGEMENT_STEP = 0.5  # affinity added per person who engaged with both (up to CO_ENGAGEMENT_CAP)
CO_ENGAGEMENT_CAP = 5
FOLLOWING_AFFINITY = 2.5
LIKED_BY_INTEREST_AFFINITY = 1.6  # + LIKED_STEP per interested person who liked it, up to 4 of them
LIKED_STEP = 0.2
CATEGORY_AFFINITY = 1.4
TAG_AFFINITY = 1.5
POPULAR_AFFINITY = 1.0
# A category the person engaged with counts as an interest with weight engagements / this.
INFERRED_FULL_AT = 5

# --- the page -------------------------------------------------------------------------------------
PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
DIVERSITY_WINDOW = 10  # in any this many consecutive cards ...
DIVERSITY_MAX_SAME = 2  # ... at most this many of one author, and of one product
DISCOVERY_SHARE = 0.2  # of the cards, from categories outside the person's interests
SEEN_HIDDEN_FOR = timedelta(days=3)  # a seen note does not come back for this long

# --- first chance for new reviews ---------------------------------------------------------------
FIRST_CHANCE_SLOTS = (4,)  # positions (mod DIVERSITY_WINDOW) kept for a new review: 1 card in 10
FIRST_CHANCE_MAX_AGE = timedelta(days=3)  # older reviews are left to the ranking
FIRST_CHANCE_POOL = 30  # new reviews considered per page
# Tier i: shown to at most AUDIENCE[i] readers; moves on with PROMOTE_AT[i] weighted engagement.
# Tiers below WIDE_TIER go only to readers whose interests match; WIDE_TIER to everyone.
TIER_AUDIENCE = (200, 2000, 20000)
TIER_PROMOTE_AT = (3.0, 15.0, 60.0)
WIDE_TIER = 2
# What one early reader's reaction weighs (times their vote weight and the fraud factor): a
# comment or a follow says more than a vote.
ENGAGEMENT_WEIGHTS = {"vote": 1.0, "save": 1.5, "comment": 3.0, "follow": 4.0}
# Good standing: an author whose reviews readers found unhelpful this often (once they have
# this much weighted feedback) gets no first chance; nor does a review scored below the floor.
AUTHOR_MIN_FEEDBACK = 5.0
AUTHOR_MIN_HELPFUL_SHARE = 0.4
QUALITY_FLOOR = 0.15
MIN_BODY_CHARS = 80
