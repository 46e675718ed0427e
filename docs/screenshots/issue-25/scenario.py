"""The same few rows on top of `seed_demo`, for the before/after screenshots of issue 25: a
verified brand's tester campaign whose tester has posted her (disclosed) review, and a review
reported by three day-old accounts with identical text. Run from a checkout's root, after
`manage.py migrate` and `manage.py seed_demo`:

    .venv/bin/python manage.py shell < docs/screenshots/issue-25/scenario.py

It prints the addresses shoot.py photographs. Only services that both the "before" commit
(357c27e) and main have are called, with the arguments both accept.
"""

import json
from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import services as account_services
from accounts.models import MODERATORS_GROUP, User
from brands import services as brand_services
from brands.models import Campaign
from moderation import services as moderation_services
from moderation.models import QueueItem
from ranking import services as ranking_services
from ranking.models import ReviewerStanding
from reviews import services as review_services
from reviews.management.commands.seed_demo import DEMO_PASSWORD
from reviews.models import BrandMembership, Review

now = timezone.now()
moderator = User.objects.filter(groups__name=MODERATORS_GROUP).order_by("pk").first()
membership = (
    BrandMembership.objects.filter(brand__is_verified=True)
    .select_related("brand", "user")
    .order_by("brand__name", "pk")
    .first()
)
brand, member = membership.brand, membership.user
product = brand.products.order_by("pk").first()
# Rank what seed_demo wrote (the "before" commit's seed_demo did not), then pick the testers: the
# best-reputed reviewers of the product's category who have not reviewed it and speak for no
# brand. The first receives the product and reviews it; the others are left for the brand to pick.
ranking_services.rerank(full=True)
testers = list(
    User.objects.filter(
        category_standings__category=product.category,
        category_standings__review_count__gt=0,
        brand_membership__isnull=True,
        is_staff=False,
    )
    .exclude(reviews__product=product)
    .exclude(groups__name=MODERATORS_GROUP)
    .order_by("-category_standings__reputation", "pk")[:3]
)
tester = testers[0]
# The nightly ranking decides who is an invited tester; promote them as that run would.
for user in testers:
    ReviewerStanding.objects.update_or_create(user=user, defaults={"is_tester": True, "level": 5})
campaign = Campaign.objects.filter(product=product).first() or brand_services.campaign_create(
    member=member,
    product=product,
    title=f"{product.name}: first testers",
    units=3,
    invite_opens_at=now - timedelta(minutes=1),
    invite_closes_at=now + timedelta(days=7),
    review_days=14,
    categories=[product.category],
    description="A full-size pack, yours to keep.",
)
invitation = brand_services.campaign_invite(actor=member, campaign=campaign, testers=[tester])[0]
brand_services.invitation_accept(tester=tester, invitation=invitation, shipping_address="3-1 Sakura-cho\nTokyo")
brand_services.invitation_ship(member=member, invitation=invitation, tracking="JP-4471")
brand_services.invitation_receive(tester=tester, invitation=invitation)
disclosed = review_services.review_create(
    author=tester,
    product=product,
    rating=3,
    title="Gentle, but I saw little change",
    body="Two weeks morning and night on combination skin. No stinging and it layers well under "
    "sunscreen, but I did not see the glow the bottle promises.",
    tags=["tester"],
    photos=[],
)
# Three day-old accounts report a legitimate review with the same words.
reported = Review.objects.filter(status="published").exclude(author=tester).order_by("-helpful_count", "pk").first()
for n in range(3):
    reporter = account_services.user_register(username=f"fresh_{n}", password=DEMO_PASSWORD, display_name=f"Fresh {n}")
    moderation_services.report_create(reporter=reporter, review=reported, reason="fake", note="This is a paid review.")
item = QueueItem.objects.get(review=reported)
ranking_services.rerank()
Group.objects.get(name=MODERATORS_GROUP)  # exists: seed_demo made it
note = Review.objects.filter(status="published").exclude(pk=disclosed.pk).order_by("-helpful_count", "pk").first()
print(
    "SCENARIO "
    + json.dumps(
        {
            "note": f"/r/{note.pk}/",
            "disclosed": f"/r/{disclosed.pk}/",
            "item": f"/moderation/queue/{item.pk}/",
            "campaign": f"/brand/campaigns/{campaign.pk}/",
            "tester": tester.username,
            "member": member.username,
            "moderator": moderator.username,
            "reader": "demo",
        }
    )
)
