"""Writes of the tester program. Each function is one transaction and records a CampaignEvent.

The flow of one unit: invited -> accepted (or declined / expired) -> shipped (by the brand) ->
received (by the tester; the review is due `review_days` later) -> reviewed (the tester's review
of the product is linked, automatically when they post it, or explicitly) or overdue (the
deadlines job; a late review still links, but the item stays counted as overdue).

Brands never touch reviews: nothing here edits, hides, orders or rewards one, and a negative
review links and is disclosed exactly like a glowing one.

Errors: ValidationError names the field (400); PermissionDenied (403); TransitionRefused when the
item is not in a state that allows the step, e.g. accepted twice (409).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from accounts.models import Notification, User
from accounts.names import TOO_SIMILAR, name_key, name_problem, normalise_name
from accounts.services import notify
from config.tasks import enqueue_on_commit
from ranking import services as ranking_services
from ranking.models import TesterEvent
from reviews import services as review_services
from reviews.models import Brand, BrandMembership, Category, HelpfulVote, Product, Review
from reviews.notifications import names_data

from . import emails, policy, selectors
from .models import Campaign, CampaignEvent, Invitation, InvitationEmail, MembershipInvitation


class TransitionRefused(Exception):
    """The item is not in a state that allows this step (409). `field` names what to fix."""

    def __init__(self, message: str, field: str = "status"):
        super().__init__(message)
        self.field = field
        self.message = message


def _event(
    kind: str,
    *,
    brand: Brand | int,
    campaign: Campaign | None = None,
    invitation: Invitation | None = None,
    actor: User | None = None,
    data: dict | None = None,
    now: datetime | None = None,
) -> CampaignEvent:
    return CampaignEvent.objects.create(
        brand_id=brand if isinstance(brand, int) else brand.pk,
        campaign=campaign,
        invitation=invitation,
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        data=data or {},
        created_at=now or timezone.now(),
    )


def _ensure_moderator(user: User) -> None:
    if not (user.is_authenticated and user.is_moderator):
        raise PermissionDenied(_("Only moderators can do this."))


def member_brand(user: User) -> Brand:
    """The brand `user` speaks for; PermissionDenied when none."""
    brand = selectors.brand_of(user)
    if brand is None:
        raise PermissionDenied(_("You are not a member of a brand."))
    return brand


def _ensure_verified(brand: Brand) -> None:
    if not brand.is_verified:
        raise PermissionDenied(
            _("A moderator must verify %(brand)s before it can run tester campaigns.") % {"brand": brand.name}
        )


def _brand_url() -> str:
    return "/brand/"


# --- brands and products -----------------------------------------------------------------------


@transaction.atomic
def brand_register(*, user: User, name: str, description: str = "", website: str = "") -> Brand:
    """A new, unverified brand with `user` as its first member and owner. Existing brands are
    joined only by an owner's invitation, accepted (brand_member_invite), never claimed."""
    if user.is_moderator:
        raise PermissionDenied(_("Moderators do not speak for brands."))
    # Stored normalised and refused when it looks like an existing brand (accounts.names); the
    # unique Brand.name_key settles a race between two such registrations.
    name = normalise_name(name)
    if not name:
        raise ValidationError({"name": [_("A brand needs a name.")]})
    if len(name) > Brand._meta.get_field("name").max_length:
        raise ValidationError({"name": [_("Use at most 120 characters.")]})
    if BrandMembership.objects.filter(user=user).exists():
        raise ValidationError({"name": [_("You already speak for a brand.")]})
    key = name_key(name)
    if not key:
        raise ValidationError({"name": [_("Use letters or digits in the name.")]})
    # Addresses are ASCII: a name with no Latin letters or digits (小红) gets one from its key.
    slug = slugify(name)[:120] or f"brand-{hashlib.sha256(key.encode()).hexdigest()[:12]}"
    if Brand.objects.filter(name__iexact=name).exists() or Brand.objects.filter(slug=slug).exists():
        raise ValidationError({"name": [_("This brand is already on Candor; ask its owner to invite you.")]})
    if Brand.objects.filter(name_key=key).exists():
        raise ValidationError({"name": [TOO_SIMILAR]})
    problem = name_problem(name)
    if problem:
        raise ValidationError({"name": [problem]})
    try:
        with transaction.atomic():
            brand = Brand.objects.create(name=name, slug=slug, description=description.strip(), website=website)
            BrandMembership.objects.create(brand=brand, user=user, is_owner=True)
    except IntegrityError:
        raise ValidationError({"name": [TOO_SIMILAR]}) from None
    _event(CampaignEvent.Kind.BRAND_REGISTERED, brand=brand, actor=user, data={"name": name})
    return brand


# --- membership: by invitation and consent ------------------------------------------------------
#
# A brand's owner invites a person by username; the person accepts or declines. Nobody is made a
# member without accepting, moderators never speak for a brand (the roles stay apart), and a
# person speaks for one brand at most. Members leave when they like; an owner removes members
# and makes other members owners. Every step is a CampaignEvent of the brand (its record).


def _membership(user: User) -> BrandMembership | None:
    if not user.is_authenticated:
        return None
    return BrandMembership.objects.select_related("brand").filter(user=user).first()


def _ensure_owner(user: User) -> BrandMembership:
    """The caller's membership when they own their brand; PermissionDenied otherwise."""
    membership = _membership(user)
    if membership is None:
        raise PermissionDenied(_("You are not a member of a brand."))
    if not membership.is_owner:
        raise PermissionDenied(_("Only an owner of %(brand)s can do this.") % {"brand": membership.brand.name})
    return membership


def _refuse_as_member(user: User, field: str) -> None:
    """Moderators and people who already speak for a brand cannot join one."""
    if user.is_moderator:
        raise ValidationError(
            {
                field: [
                    _("%(username)s is a moderator; moderators do not speak for brands.") % {"username": user.username}
                ]
            }
        )
    if BrandMembership.objects.filter(user=user).exists():
        raise ValidationError({field: [_("%(username)s already speaks for a brand.") % {"username": user.username}]})


@transaction.atomic
def brand_member_invite(*, actor: User, username: str) -> MembershipInvitation:
    """An owner of a verified brand invites `username` to speak for it. The invitee is notified
    and becomes a member only by accepting (brand_invitation_accept)."""
    owner = _ensure_owner(actor)
    brand = owner.brand
    _ensure_verified(brand)
    invitee = User.objects.filter(username=username, is_active=True).first()
    if invitee is None:
        raise ValidationError({"username": [_("No member is called %(username)s.") % {"username": username}]})
    _refuse_as_member(invitee, "username")
    if MembershipInvitation.objects.filter(
        brand=brand, invitee=invitee, status=MembershipInvitation.Status.PENDING
    ).exists():
        raise ValidationError(
            {
                "username": [
                    _("%(username)s already has a pending invitation from %(brand)s.")
                    % {"username": username, "brand": brand.name}
                ]
            }
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            invitation = MembershipInvitation.objects.create(
                brand=brand, invitee=invitee, invited_by=actor, created_at=now
            )
    except IntegrityError:  # a concurrent invitation of the same person
        raise ValidationError(
            {
                "username": [
                    _("%(username)s already has a pending invitation from %(brand)s.")
                    % {"username": username, "brand": brand.name}
                ]
            }
        ) from None
    _event(CampaignEvent.Kind.MEMBER_INVITED, brand=brand, actor=actor, data={"username": username}, now=now)
    notify(
        recipient=invitee,
        kind=Notification.Kind.OTHER,
        url=_invitations_url(),
        data={
            "text": "brand_member_invited",
            "brand": brand.slug,
            "brand_names": names_data(brand),
            "membership_invitation": invitation.pk,
        },
    )
    return invitation


def _invitations_url() -> str:
    return "/brand-invitations/"


def _lock_invitation(invitation: MembershipInvitation) -> MembershipInvitation:
    return MembershipInvitation.objects.select_for_update().select_related("brand").get(pk=invitation.pk)


def _ensure_pending(invitation: MembershipInvitation) -> None:
    if invitation.status != MembershipInvitation.Status.PENDING:
        raise TransitionRefused(
            _("This invitation is %(status)s; it is no longer open.")
            % {"status": invitation.get_status_display().lower()}
        )


@transaction.atomic
def brand_invitation_accept(*, user: User, invitation: MembershipInvitation) -> BrandMembership:
    """The invitee joins the brand, in one transaction:
    - refused for a moderator, for someone who already speaks for a brand, and while they test a
      product of this brand (accepted and not yet reviewed): they review it first, as themselves;
    - their other pending membership invitations are withdrawn (one brand per person);
    - their unanswered tester invitations, from every brand, are withdrawn (people who speak for
      a brand are not testers: see selectors' matching), freeing the units;
    - their helpful votes on reviews of the brand's products are withdrawn (brand members never
      vote on them: brands.signals refuses new ones);
    - each change is a CampaignEvent; whoever invited them is notified."""
    if invitation.invitee_id != user.pk:
        raise PermissionDenied(_("This invitation is someone else's."))
    inv = _lock_invitation(invitation)
    _ensure_pending(inv)
    _refuse_as_member(user, "invitation")
    brand = inv.brand
    testing = (
        Invitation.objects.filter(tester=user, campaign__brand=brand, status__in=Invitation.LINKABLE)
        .select_related("campaign__product")
        .first()
    )
    if testing is not None:
        raise ValidationError(
            {
                "invitation": [
                    _(
                        "You are testing %(product)s for %(brand)s: review it before you join the brand, so your "
                        "review stays an independent tester's."
                    )
                    % {"product": testing.campaign.product.name, "brand": brand.name}
                ]
            }
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            membership = BrandMembership.objects.create(brand=brand, user=user, created_at=now)
    except IntegrityError:  # joined another brand at the same moment
        raise ValidationError(
            {"invitation": [_("%(username)s already speaks for a brand.") % {"username": user.username}]}
        ) from None
    MembershipInvitation.objects.filter(pk=inv.pk).update(status=MembershipInvitation.Status.ACCEPTED, responded_at=now)
    for other in MembershipInvitation.objects.select_for_update().filter(
        invitee=user, status=MembershipInvitation.Status.PENDING
    ):
        MembershipInvitation.objects.filter(pk=other.pk).update(
            status=MembershipInvitation.Status.WITHDRAWN, responded_at=now
        )
        _event(
            CampaignEvent.Kind.INVITE_WITHDRAWN,
            brand=other.brand_id,
            data={"username": user.username, "reason": "joined another brand"},
            now=now,
        )
    _withdraw_tester_invitations(user, now)
    votes_withdrawn = 0
    for vote in HelpfulVote.objects.filter(user=user, review__product__brand=brand).select_related("review"):
        votes_withdrawn += review_services.vote_remove(user=user, review=vote.review)
    _event(
        CampaignEvent.Kind.MEMBER_JOINED,
        brand=brand,
        actor=user,
        data={
            "username": user.username,
            "invited_by": inv.invited_by.username if inv.invited_by else None,
            "votes_withdrawn": votes_withdrawn,
        },
        now=now,
    )
    if inv.invited_by is not None:
        notify(
            recipient=inv.invited_by,
            kind=Notification.Kind.OTHER,
            url=_brand_url(),
            data={
                "text": "brand_member_joined",
                "brand": brand.slug,
                "brand_names": names_data(brand),
                "name": user.public_name,
                "membership_invitation": inv.pk,
            },
        )
    return membership


def _withdraw_tester_invitations(user: User, now: datetime) -> None:
    pending = (
        Invitation.objects.select_for_update()
        .select_related("campaign")
        .filter(tester=user, status=Invitation.Status.INVITED)
    )
    for inv in pending:
        Invitation.objects.filter(pk=inv.pk, status=Invitation.Status.INVITED).update(
            status=Invitation.Status.WITHDRAWN, responded_at=now
        )
        _event(
            CampaignEvent.Kind.WITHDRAWN,
            brand=inv.campaign.brand_id,
            campaign=inv.campaign,
            invitation=inv,
            data={"tester": user.username, "reason": "joined a brand"},
            now=now,
        )


@transaction.atomic
def brand_invitation_decline(*, user: User, invitation: MembershipInvitation) -> MembershipInvitation:
    if invitation.invitee_id != user.pk:
        raise PermissionDenied(_("This invitation is someone else's."))
    inv = _lock_invitation(invitation)
    _ensure_pending(inv)
    now = timezone.now()
    MembershipInvitation.objects.filter(pk=inv.pk).update(status=MembershipInvitation.Status.DECLINED, responded_at=now)
    _event(CampaignEvent.Kind.MEMBER_DECLINED, brand=inv.brand, actor=user, data={"username": user.username}, now=now)
    inv.refresh_from_db()
    return inv


@transaction.atomic
def brand_invitation_withdraw(*, actor: User, invitation: MembershipInvitation) -> MembershipInvitation:
    """An owner takes back a pending invitation of their brand."""
    owner = _ensure_owner(actor)
    if invitation.brand_id != owner.brand_id:
        raise PermissionDenied(_("This invitation is another brand's."))
    inv = _lock_invitation(invitation)
    _ensure_pending(inv)
    now = timezone.now()
    MembershipInvitation.objects.filter(pk=inv.pk).update(
        status=MembershipInvitation.Status.WITHDRAWN, responded_at=now
    )
    _event(
        CampaignEvent.Kind.INVITE_WITHDRAWN,
        brand=inv.brand,
        actor=actor,
        data={"username": inv.invitee.username},
        now=now,
    )
    inv.refresh_from_db()
    return inv


def _lock_memberships(brand_id: int) -> list[BrandMembership]:
    """Every membership of the brand, locked in id order: two owners leaving at once must not
    leave the brand without one."""
    return list(
        BrandMembership.objects.select_for_update().select_related("user").filter(brand_id=brand_id).order_by("id")
    )


def _ensure_an_owner_stays(memberships: list[BrandMembership], leaving: BrandMembership) -> None:
    others = [m for m in memberships if m.pk != leaving.pk]
    if leaving.is_owner and others and not any(m.is_owner for m in others):
        raise ValidationError(
            {"username": [_("You are the brand's last owner: make another member an owner before you go.")]}
        )


@transaction.atomic
def brand_member_leave(*, user: User) -> None:
    """The caller stops speaking for their brand. The last owner leaves only last, or after making
    another member an owner."""
    membership = _membership(user)
    if membership is None:
        raise PermissionDenied(_("You are not a member of a brand."))
    memberships = _lock_memberships(membership.brand_id)
    mine = next((m for m in memberships if m.user_id == user.pk), None)
    if mine is None:
        raise PermissionDenied(_("You are not a member of a brand."))
    _ensure_an_owner_stays(memberships, mine)
    BrandMembership.objects.filter(pk=mine.pk).delete()
    _event(CampaignEvent.Kind.MEMBER_LEFT, brand=membership.brand, actor=user, data={"username": user.username})


def _member_of_my_brand(owner: BrandMembership, memberships: list[BrandMembership], username: str) -> BrandMembership:
    target = next((m for m in memberships if m.user.username == username), None)
    if target is None:
        raise ValidationError(
            {
                "username": [
                    _("%(username)s is not a member of %(brand)s.") % {"username": username, "brand": owner.brand.name}
                ]
            }
        )
    return target


@transaction.atomic
def brand_member_remove(*, actor: User, username: str) -> None:
    """An owner removes a member of their brand (themselves too, unless they are its last owner
    while others stay). The removed member is notified."""
    owner = _ensure_owner(actor)
    memberships = _lock_memberships(owner.brand_id)
    target = _member_of_my_brand(owner, memberships, username)
    _ensure_an_owner_stays(memberships, target)
    BrandMembership.objects.filter(pk=target.pk).delete()
    kind = CampaignEvent.Kind.MEMBER_LEFT if target.user_id == actor.pk else CampaignEvent.Kind.MEMBER_REMOVED
    _event(kind, brand=owner.brand, actor=actor, data={"username": username})
    if target.user_id != actor.pk:
        notify(
            recipient=target.user,
            kind=Notification.Kind.OTHER,
            data={
                "text": "brand_member_removed",
                "brand": owner.brand.slug,
                "brand_names": names_data(owner.brand),
                "by_name": actor.public_name,
            },
        )


@transaction.atomic
def brand_member_set_owner(*, actor: User, username: str, is_owner: bool | None) -> BrandMembership:
    """An owner makes another member an owner, or unmakes one (never the brand's last owner).
    is_owner None changes nothing (a PATCH without the field)."""
    owner = _ensure_owner(actor)
    memberships = _lock_memberships(owner.brand_id)
    target = _member_of_my_brand(owner, memberships, username)
    if is_owner is None or target.is_owner == is_owner:
        return target
    if not is_owner and not any(m.is_owner for m in memberships if m.pk != target.pk):
        raise ValidationError({"is_owner": [_("A brand keeps at least one owner.")]})
    BrandMembership.objects.filter(pk=target.pk).update(is_owner=is_owner)
    target.is_owner = is_owner
    _event(
        CampaignEvent.Kind.OWNER_CHANGED,
        brand=owner.brand,
        actor=actor,
        data={"username": username, "is_owner": is_owner},
    )
    return target


@transaction.atomic
def brand_verify(*, moderator: User, brand: Brand, verified: bool = True, note: str = "") -> Brand:
    """A moderator's decision: a verified brand may run tester campaigns. Withdrawing it stops new
    campaigns and invitations; items already accepted carry on so testers are not left hanging."""
    _ensure_moderator(moderator)
    locked = Brand.objects.select_for_update().get(pk=brand.pk)
    if locked.is_verified == verified:
        return locked
    Brand.objects.filter(pk=brand.pk).update(is_verified=verified)
    locked.is_verified = verified
    kind = CampaignEvent.Kind.BRAND_VERIFIED if verified else CampaignEvent.Kind.BRAND_UNVERIFIED
    _event(kind, brand=brand, actor=moderator, data={"note": note})
    for membership in BrandMembership.objects.filter(brand=brand).select_related("user"):
        notify(
            recipient=membership.user,
            kind=Notification.Kind.MODERATION,
            body=note,
            url=_brand_url(),
            data={
                "text": "brand_verification",
                "brand": brand.slug,
                "brand_names": names_data(brand),
                "verified": verified,
            },
        )
    return locked


def _own_product(brand: Brand, product: Product) -> Product:
    if product.brand_id != brand.pk:
        raise PermissionDenied(_("You can only manage your own brand's products."))
    return product


@transaction.atomic
def brand_product_create(*, member: User, category: Category, name: str, description: str = "") -> Product:
    brand = member_brand(member)
    existed = Product.objects.filter(brand=brand, name__iexact=name.strip()).exists()
    product = review_services.product_create(
        brand=brand, category=category, name=name, description=description, created_by=member
    )
    if not existed:
        _event(CampaignEvent.Kind.PRODUCT_CREATED, brand=brand, actor=member, data={"product": product.slug})
    return product


@transaction.atomic
def brand_product_update(
    *, member: User, product: Product, name: str | None = None, description: str | None = None
) -> Product:
    """Rename or describe one of the brand's own products (the slug, and so every link, stays)."""
    brand = member_brand(member)
    _own_product(brand, product)
    changes: dict = {}
    if name is not None:
        name = name.strip()
        if not name:
            raise ValidationError({"name": [_("A product needs a name.")]})
        if Product.objects.filter(brand=brand, name__iexact=name).exclude(pk=product.pk).exists():
            raise ValidationError({"name": [_("Your brand already has a product with this name.")]})
        changes["name"] = name
    if description is not None:
        changes["description"] = description.strip()
    if changes:
        try:
            with transaction.atomic():
                Product.objects.filter(pk=product.pk).update(**changes)
        except IntegrityError:
            raise ValidationError({"name": [_("Your brand already has a product with this name.")]}) from None
        _event(CampaignEvent.Kind.PRODUCT_UPDATED, brand=brand, actor=member, data={"product": product.slug, **changes})
    product.refresh_from_db()
    return product


# --- campaigns ----------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    member: User,
    product: Product,
    title: str,
    units: int,
    invite_opens_at: datetime,
    invite_closes_at: datetime,
    review_days: int,
    categories: Sequence[Category] = (),
    min_level: int = 1,
    description: str = "",
    now: datetime | None = None,
) -> Campaign:
    """A tester campaign for one of the member's brand's products. The brand must be verified."""
    now = now or timezone.now()
    brand = member_brand(member)
    _ensure_verified(brand)
    if product.brand_id != brand.pk:
        raise ValidationError({"product": [_("Choose one of your brand's products.")]})
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("A campaign needs a title.")]
    if not 1 <= units <= policy.MAX_UNITS_PER_CAMPAIGN:
        errors["units"] = [_("Offer between 1 and %(max)s units.") % {"max": policy.MAX_UNITS_PER_CAMPAIGN}]
    if not 1 <= min_level <= 10:
        errors["min_level"] = [_("Levels run from 1 to 10.")]
    if not 1 <= review_days <= 90:
        errors["review_days"] = [_("Give testers between 1 and 90 days to review.")]
    if timezone.is_naive(invite_opens_at) or timezone.is_naive(invite_closes_at):
        errors["invite_opens_at"] = [_("Give the window with a time zone.")]
    elif invite_closes_at <= invite_opens_at:
        errors["invite_closes_at"] = [_("The invitation window must close after it opens.")]
    elif invite_closes_at <= now:
        errors["invite_closes_at"] = [_("The invitation window must close in the future.")]
    elif invite_closes_at - max(invite_opens_at, now) > timedelta(days=policy.MAX_WINDOW_DAYS):
        errors["invite_closes_at"] = [
            _("Keep the invitation window within %(days)s days.") % {"days": policy.MAX_WINDOW_DAYS}
        ]
    if errors:
        raise ValidationError(errors)
    campaign = Campaign.objects.create(
        brand=brand,
        product=product,
        title=title.strip(),
        description=description.strip(),
        units=units,
        min_level=min_level,
        invite_opens_at=invite_opens_at,
        invite_closes_at=invite_closes_at,
        review_days=review_days,
        created_by=member,
        created_at=now,
    )
    campaign.categories.set(list(categories) or [product.category])
    _event(
        CampaignEvent.Kind.CAMPAIGN_CREATED,
        brand=brand,
        campaign=campaign,
        actor=member,
        data={"units": units, "product": product.slug, "categories": [c.slug for c in campaign.categories.all()]},
        now=now,
    )
    return campaign


def _own_campaign(member: User, campaign: Campaign) -> Brand:
    brand = member_brand(member)
    if campaign.brand_id != brand.pk:
        raise PermissionDenied(_("This campaign belongs to another brand."))
    return brand


@transaction.atomic
def campaign_close(*, member: User, campaign: Campaign) -> Campaign:
    """Stop inviting. Items already accepted carry on to their review."""
    brand = _own_campaign(member, campaign)
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status == Campaign.Status.CLOSED:
        raise TransitionRefused(_("This campaign is already closed."))
    now = timezone.now()
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED, closed_at=now)
    _event(CampaignEvent.Kind.CAMPAIGN_CLOSED, brand=brand, campaign=locked, actor=member, now=now)
    locked.refresh_from_db()
    return locked


def _check_window(campaign: Campaign, now: datetime) -> None:
    if campaign.status != Campaign.Status.OPEN:
        raise ValidationError({"campaign": [_("This campaign is closed.")]})
    if now < campaign.invite_opens_at:
        raise ValidationError(
            {
                "invite_opens_at": [
                    _("The invitation window opens on %(date)s UTC.")
                    % {"date": f"{campaign.invite_opens_at:%Y-%m-%d %H:%M}"}
                ]
            }
        )
    if now >= campaign.invite_closes_at:
        raise ValidationError(
            {
                "invite_closes_at": [
                    _("The invitation window closed on %(date)s UTC.")
                    % {"date": f"{campaign.invite_closes_at:%Y-%m-%d %H:%M}"}
                ]
            }
        )


@transaction.atomic
def campaign_invite(
    *,
    actor: User,
    campaign: Campaign,
    testers: Iterable[User],
    by_candor: bool = False,
    now: datetime | None = None,
) -> list[Invitation]:
    """Invite these testers: all or none. Each must be eligible (see brands.selectors), within the
    window and the units left. Sends each an in-app notification and, after commit, an email."""
    now = now or timezone.now()
    brand = _own_campaign(actor, campaign)
    _ensure_verified(Brand.objects.get(pk=brand.pk))
    # Lock the campaign: two invitation batches at once must not overbook the units.
    campaign = Campaign.objects.select_for_update().select_related("product", "brand").get(pk=campaign.pk)
    _check_window(campaign, now)
    testers = list({t.pk: t for t in testers}.values())
    if not testers:
        raise ValidationError({"testers": [_("Choose at least one tester.")]})
    left = selectors.units_left(campaign)
    if len(testers) > left:
        raise ValidationError(
            {
                "testers": [
                    ngettext(
                        "Only %(left)s unit left; you chose %(chosen)s testers.",
                        "Only %(left)s units left; you chose %(chosen)s testers.",
                        left,
                    )
                    % {"left": left, "chosen": len(testers)}
                ]
            }
        )
    assessed = {c.user.pk: c for c in selectors.assess(campaign, user_ids=[t.pk for t in testers], now=now)}
    refused = [
        _("%(username)s: %(reasons)s") % {"username": t.username, "reasons": selectors.listed(assessed[t.pk].reasons)}
        for t in testers
        if assessed[t.pk].reasons
    ]
    if refused:
        separator = pgettext("separator between testers refused", "; ")
        raise ValidationError({"testers": [_("Not eligible: %(refused)s.") % {"refused": separator.join(refused)}]})
    invitations = []
    for tester in testers:
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    campaign=campaign,
                    tester=tester,
                    invited_by=None if by_candor else actor,
                    match_score=assessed[tester.pk].match_score,
                    invited_at=now,
                )
        except IntegrityError:
            raise ValidationError(
                {"testers": [_("%(username)s is already invited.") % {"username": tester.username}]}
            ) from None
        _event(
            CampaignEvent.Kind.INVITED,
            brand=brand,
            campaign=campaign,
            invitation=invitation,
            actor=actor,
            data={"tester": tester.username, "by_candor": by_candor, "match_score": invitation.match_score},
            now=now,
        )
        notify(
            recipient=tester,
            kind=Notification.Kind.INVITATION,
            url=f"/tester/#invitation-{invitation.pk}",
            data={
                "text": "tester_invited",
                "invitation": invitation.pk,
                "campaign": campaign.pk,
                "brand_names": names_data(brand),
                "product_names": names_data(campaign.product),
                "review_days": campaign.review_days,
                "answer_by": campaign.invite_closes_at.isoformat(),
            },
        )
        _email_later(invitation, InvitationEmail.Template.INVITATION)
        invitations.append(invitation)
    return invitations


def campaign_auto_invite(
    *, actor: User, campaign: Campaign, count: int | None = None, now: datetime | None = None
) -> list[Invitation]:
    """Let Candor invite the best matches, up to `count` and the units left."""
    now = now or timezone.now()
    _own_campaign(actor, campaign)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        _check_window(locked, now)
        left = selectors.units_left(locked)
        if count is not None and count < 1:
            raise ValidationError({"count": [_("Invite at least one tester.")]})
        wanted = min(count, left) if count is not None else left
        if wanted <= 0:
            raise ValidationError({"count": [_("No units left to offer.")]})
        picks = [c.user for c in selectors.campaign_candidates(locked, now=now, limit=wanted)]
        if not picks:
            why = selectors.campaign_exclusions(locked, now=now)
            raise ValidationError(
                {"count": [_("No eligible testers match this campaign right now. %(why)s") % {"why": why}]}
            )
        return campaign_invite(actor=actor, campaign=locked, testers=picks, by_candor=True, now=now)


# --- the tester's and the brand's steps ---------------------------------------------------------


def _lock(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update()
        .select_related("campaign__brand", "campaign__product")
        .get(pk=invitation.pk)
    )


def _ensure_tester(user: User, invitation: Invitation) -> None:
    if invitation.tester_id != user.pk:
        raise PermissionDenied(_("This invitation is someone else's."))


@transaction.atomic
def invitation_accept(
    *, tester: User, invitation: Invitation, shipping_address: str, now: datetime | None = None
) -> Invitation:
    now = now or timezone.now()
    _ensure_tester(tester, invitation)
    inv = _lock(invitation)
    if inv.status != Invitation.Status.INVITED:
        if inv.accepted_at is not None:
            raise TransitionRefused(_("You have already accepted this invitation."))
        raise TransitionRefused(
            _("This invitation was %(status)s; it can no longer be accepted.")
            % {"status": inv.get_status_display().lower()}
        )
    if now >= inv.campaign.invite_closes_at:
        raise ValidationError({"invitation": [_("The invitation window has closed.")]})
    if BrandMembership.objects.filter(user_id=inv.tester_id).exists():
        # Joining a brand withdraws unanswered invitations; this closes the race with it.
        raise ValidationError({"invitation": [_("People who speak for a brand do not test products.")]})
    if Review.objects.filter(author_id=inv.tester_id, product_id=inv.campaign.product_id).exists():
        raise ValidationError(
            {"invitation": [_("You have already reviewed this product, so you cannot test it; decline instead.")]}
        )
    address = shipping_address.strip()
    if len(address) < 10:
        raise ValidationError({"shipping_address": [_("Give the full address the brand should ship to.")]})
    Invitation.objects.filter(pk=inv.pk).update(
        status=Invitation.Status.ACCEPTED, responded_at=now, accepted_at=now, shipping_address=address
    )
    _event(CampaignEvent.Kind.ACCEPTED, brand=inv.campaign.brand, campaign=inv.campaign, invitation=inv, actor=tester)
    inv.refresh_from_db()
    return inv


@transaction.atomic
def invitation_decline(*, tester: User, invitation: Invitation, now: datetime | None = None) -> Invitation:
    now = now or timezone.now()
    _ensure_tester(tester, invitation)
    inv = _lock(invitation)
    if inv.status != Invitation.Status.INVITED:
        raise TransitionRefused(
            _("This invitation is %(status)s; it can no longer be declined.")
            % {"status": inv.get_status_display().lower()}
        )
    Invitation.objects.filter(pk=inv.pk).update(status=Invitation.Status.DECLINED, responded_at=now)
    _event(CampaignEvent.Kind.DECLINED, brand=inv.campaign.brand, campaign=inv.campaign, invitation=inv, actor=tester)
    inv.refresh_from_db()
    return inv


@transaction.atomic
def invitation_ship(*, member: User, invitation: Invitation, tracking: str = "") -> Invitation:
    _own_campaign(member, invitation.campaign)
    inv = _lock(invitation)
    if inv.status != Invitation.Status.ACCEPTED:
        raise TransitionRefused(
            _("Only accepted invitations can be shipped; this one is %(status)s.")
            % {"status": inv.get_status_display().lower()}
        )
    now = timezone.now()
    Invitation.objects.filter(pk=inv.pk).update(
        status=Invitation.Status.SHIPPED, shipped_at=now, tracking=tracking.strip()
    )
    _event(
        CampaignEvent.Kind.SHIPPED,
        brand=inv.campaign.brand,
        campaign=inv.campaign,
        invitation=inv,
        actor=member,
        data={"tracking": tracking.strip()},
        now=now,
    )
    notify(
        recipient=inv.tester,
        kind=Notification.Kind.INVITATION,
        url=f"/tester/#invitation-{inv.pk}",
        data={
            "text": "tester_shipped",
            "invitation": inv.pk,
            "brand_names": names_data(inv.campaign.brand),
            "product_names": names_data(inv.campaign.product),
            "review_days": inv.campaign.review_days,
            "tracking": tracking.strip(),
        },
    )
    inv.refresh_from_db()
    return inv


@transaction.atomic
def invitation_receive(*, tester: User, invitation: Invitation, now: datetime | None = None) -> Invitation:
    """The tester has the product: the review is due `review_days` from now. The shipping address
    is erased: the brand needs it no longer."""
    now = now or timezone.now()
    _ensure_tester(tester, invitation)
    inv = _lock(invitation)
    if inv.status != Invitation.Status.SHIPPED:
        if inv.received_at is not None:
            raise TransitionRefused(_("You have already marked this product received."))
        raise TransitionRefused(
            _("The brand has not shipped this yet (it is %(status)s).") % {"status": inv.get_status_display().lower()}
        )
    due = now + timedelta(days=inv.campaign.review_days)
    Invitation.objects.filter(pk=inv.pk).update(
        status=Invitation.Status.RECEIVED, received_at=now, due_at=due, shipping_address=""
    )
    _event(
        CampaignEvent.Kind.RECEIVED,
        brand=inv.campaign.brand,
        campaign=inv.campaign,
        invitation=inv,
        actor=tester,
        data={"due_at": due.isoformat()},
        now=now,
    )
    inv.refresh_from_db()
    return inv


@transaction.atomic
def invitation_link_review(
    *, invitation: Invitation, review: Review, actor: User | None = None, now: datetime | None = None
) -> Invitation:
    """Link the tester's review of the campaign product. Any rating links the same way."""
    now = now or timezone.now()
    if actor is not None:
        _ensure_tester(actor, invitation)
    inv = _lock(invitation)
    if inv.review_id is not None:
        raise TransitionRefused(_("A review is already linked to this invitation."))
    if inv.status not in Invitation.LINKABLE:
        raise TransitionRefused(
            _("Only accepted invitations get a review linked; this one is %(status)s.")
            % {"status": inv.get_status_display().lower()}
        )
    if review.author_id != inv.tester_id or review.product_id != inv.campaign.product_id:
        raise ValidationError({"review": [_("Link your own review of the product you were sent.")]})
    if inv.accepted_at is None or review.created_at < inv.accepted_at:
        raise ValidationError({"review": [_("This review was written before you accepted the invitation.")]})
    received_at = inv.received_at or now
    Invitation.objects.filter(pk=inv.pk).update(
        status=Invitation.Status.REVIEWED,
        review=review,
        reviewed_at=now,
        received_at=received_at,
        shipping_address="",
    )
    _event(
        CampaignEvent.Kind.REVIEW_LINKED,
        brand=inv.campaign.brand,
        campaign=inv.campaign,
        invitation=inv,
        actor=actor,
        data={"review": review.pk, "late": inv.overdue_at is not None, "automatic": actor is None},
        now=now,
    )
    inv.refresh_from_db()
    return inv


def link_new_review(review: Review) -> Invitation | None:
    """Called when a review is published: link it when its author is testing that product."""
    invitation = (
        Invitation.objects.filter(
            tester_id=review.author_id,
            campaign__product_id=review.product_id,
            status__in=Invitation.LINKABLE,
            review__isnull=True,
            accepted_at__lte=review.created_at,
        )
        .order_by("accepted_at")
        .first()
    )
    if invitation is None:
        return None
    return invitation_link_review(invitation=invitation, review=review, now=review.created_at)


@transaction.atomic
def review_unlinked(*, review_id: int) -> None:
    """The author deleted a linked review: the item waits for a review again (and may go overdue)."""
    for inv in Invitation.objects.select_for_update().select_related("campaign__brand").filter(review_id=review_id):
        status = Invitation.Status.OVERDUE if inv.overdue_at else Invitation.Status.RECEIVED
        Invitation.objects.filter(pk=inv.pk).update(status=status, review=None, reviewed_at=None)
        _event(
            CampaignEvent.Kind.REVIEW_UNLINKED,
            brand=inv.campaign.brand,
            campaign=inv.campaign,
            invitation=inv,
            data={"review": review_id},
        )


# --- deadlines (beat jobs) ----------------------------------------------------------------------


def invitations_expire(*, now: datetime | None = None, batch: int = 500) -> list[int]:
    """Unanswered invitations whose window closed free their unit. Each row is claimed with a
    conditional update, so two runs never expire one twice. Returns the ids expired."""
    now = now or timezone.now()
    ids = list(
        Invitation.objects.filter(status=Invitation.Status.INVITED, campaign__invite_closes_at__lte=now).values_list(
            "pk", flat=True
        )[:batch]
    )
    done = []
    for pk in ids:
        with transaction.atomic():
            if not Invitation.objects.filter(pk=pk, status=Invitation.Status.INVITED).update(
                status=Invitation.Status.EXPIRED, responded_at=now
            ):
                continue
            inv = Invitation.objects.select_related("campaign").get(pk=pk)
            _event(
                CampaignEvent.Kind.EXPIRED, brand=inv.campaign.brand_id, campaign=inv.campaign, invitation=inv, now=now
            )
            done.append(pk)
    return done


def invitations_assume_received(*, now: datetime | None = None, batch: int = 500) -> list[int]:
    """Items shipped policy.ASSUME_RECEIVED_DAYS ago and never marked received are taken
    as received then (so a tester cannot hold the deadline off by never confirming). Claimed with a
    conditional update; safe to run twice."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=policy.ASSUME_RECEIVED_DAYS)
    ids = list(
        Invitation.objects.filter(status=Invitation.Status.SHIPPED, shipped_at__lte=cutoff).values_list(
            "pk", flat=True
        )[:batch]
    )
    done = []
    for pk in ids:
        with transaction.atomic():
            inv = Invitation.objects.select_related("campaign__brand", "campaign__product").get(pk=pk)
            received = inv.shipped_at + timedelta(days=policy.ASSUME_RECEIVED_DAYS)
            due = received + timedelta(days=inv.campaign.review_days)
            if not Invitation.objects.filter(pk=pk, status=Invitation.Status.SHIPPED).update(
                status=Invitation.Status.RECEIVED, received_at=received, due_at=due, shipping_address=""
            ):
                continue
            _event(
                CampaignEvent.Kind.RECEIVED,
                brand=inv.campaign.brand,
                campaign=inv.campaign,
                invitation=inv,
                data={"due_at": due.isoformat(), "assumed": True},
                now=now,
            )
            notify(
                recipient=inv.tester,
                kind=Notification.Kind.INVITATION,
                url=f"/tester/#invitation-{inv.pk}",
                data={
                    "text": "tester_assumed_received",
                    "invitation": inv.pk,
                    "product_names": names_data(inv.campaign.product),
                    "days": policy.ASSUME_RECEIVED_DAYS,
                    "due_at": due.isoformat(),
                },
            )
            done.append(pk)
    return done


def invitations_mark_overdue(*, now: datetime | None = None, batch: int = 500) -> list[int]:
    """Received items whose review deadline passed with no review become overdue: it counts
    against the tester's completion rate and eligibility, and at policy.OVERDUE_DEMOTE_COUNT
    overdue items within policy.OVERDUE_WINDOW_DAYS the tester is demoted (ranking.services.
    tester_demote). Claimed row by row with a conditional update; safe to run twice."""
    now = now or timezone.now()
    ids = list(
        Invitation.objects.filter(status=Invitation.Status.RECEIVED, review__isnull=True, due_at__lte=now).values_list(
            "pk", flat=True
        )[:batch]
    )
    done = []
    for pk in ids:
        with transaction.atomic():
            claimed = Invitation.objects.filter(
                pk=pk, status=Invitation.Status.RECEIVED, review__isnull=True, due_at__lte=now
            ).update(status=Invitation.Status.OVERDUE, overdue_at=now)
            if not claimed:
                continue
            inv = Invitation.objects.select_related("campaign__brand", "campaign__product", "tester").get(pk=pk)
            _event(CampaignEvent.Kind.OVERDUE, brand=inv.campaign.brand, campaign=inv.campaign, invitation=inv, now=now)
            notify(
                recipient=inv.tester,
                kind=Notification.Kind.INVITATION,
                url=f"/tester/#invitation-{inv.pk}",
                data={
                    "text": "tester_overdue",
                    "invitation": inv.pk,
                    "product_names": names_data(inv.campaign.product),
                },
            )
            _apply_overdue_rule(inv, now)
            _email_later(inv, InvitationEmail.Template.OVERDUE)
            done.append(pk)
    return done


def _apply_overdue_rule(inv: Invitation, now: datetime) -> None:
    since = now - timedelta(days=policy.OVERDUE_WINDOW_DAYS)
    overdue = Invitation.objects.filter(tester_id=inv.tester_id, overdue_at__gte=since).count()
    if overdue < policy.OVERDUE_DEMOTE_COUNT:
        return
    figures = {
        "overdue_items": overdue,
        "window_days": policy.OVERDUE_WINDOW_DAYS,
        "demote_at": policy.OVERDUE_DEMOTE_COUNT,
        "invitation": inv.pk,
    }
    event = ranking_services.tester_demote(user=inv.tester, reason=TesterEvent.Reason.OVERDUE_INVITES, figures=figures)
    if event is not None:
        _event(
            CampaignEvent.Kind.TESTER_DEMOTED,
            brand=inv.campaign.brand,
            campaign=inv.campaign,
            invitation=inv,
            data=figures,
            now=now,
        )


def reminders_due(*, now: datetime | None = None, batch: int = 500) -> list[int]:
    """Ids of items whose review is due within policy.REMINDER_BEFORE, not yet reminded."""
    now = now or timezone.now()
    return list(
        Invitation.objects.filter(
            status=Invitation.Status.RECEIVED,
            review__isnull=True,
            reminder_sent_at__isnull=True,
            due_at__gt=now,
            due_at__lte=now + policy.REMINDER_BEFORE,
        ).values_list("pk", flat=True)[:batch]
    )


@transaction.atomic
def reminder_claim(*, invitation_id: int, now: datetime | None = None) -> Invitation | None:
    """Claim the reminder of one item (conditional update on reminder_sent_at), send the in-app
    notification and put the email in the outbox (the caller, a worker already, sends it).
    Returns None when another run already claimed it or it no longer applies."""
    now = now or timezone.now()
    claimed = Invitation.objects.filter(
        pk=invitation_id,
        status=Invitation.Status.RECEIVED,
        review__isnull=True,
        reminder_sent_at__isnull=True,
    ).update(reminder_sent_at=now)
    if not claimed:
        return None
    inv = Invitation.objects.select_related("campaign__brand", "campaign__product", "tester").get(pk=invitation_id)
    _event(CampaignEvent.Kind.REMINDER_SENT, brand=inv.campaign.brand, campaign=inv.campaign, invitation=inv, now=now)
    notify(
        recipient=inv.tester,
        kind=Notification.Kind.INVITATION,
        url=f"/tester/#invitation-{inv.pk}",
        data={
            "text": "tester_reminder",
            "invitation": inv.pk,
            "product_names": names_data(inv.campaign.product),
            "due_at": inv.due_at.isoformat(),
        },
    )
    _email_later(inv, InvitationEmail.Template.REMINDER, enqueue=False)
    return inv


# --- emails: the outbox ------------------------------------------------------------------------


def _email_later(invitation: Invitation, template: str, *, enqueue: bool = True) -> None:
    """Put an email in the outbox in the current transaction and, unless the caller sends it
    itself, enqueue its task after commit. When the broker cannot take the task the email waits
    in the outbox (brands/outbox.py) for the periodic drain (brands.tasks.send_pending_emails): never
    lost."""
    now = timezone.now()  # real time, not a step's `now`: this is about when to send
    InvitationEmail.objects.get_or_create(
        invitation=invitation,
        template=template,
        defaults={"created_at": now, "retry_at": now + policy.EMAIL_RETRY_AFTER},
    )
    if enqueue:
        enqueue_on_commit(emails.SEND_TASKS[template], invitation.pk)
