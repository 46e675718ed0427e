"""Tester campaigns (Vine-style): a verified brand offers units of one of its products to invited
testers, who accept, receive it and review it like anyone else; the review carries a disclosure.

Brands and their members live in the reviews app (Brand, BrandMembership). Other apps reach the
rows here through reverse accessors only (`review.tester_assignment`, `user.tester_invitations`),
never by importing this app.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reviews.models import Brand, Category, Product, Review

DISCLOSURE_KIND = "invited_tester"
# The one wording of the invited-tester disclosure: the review page and the cards
# (brands/partials/disclosure.html, through the brands_disclosure template tag) and the API's
# `disclosure` (Invitation.disclosure) all read it here, so they cannot drift apart.
# In the reader's language: translated when read, never stored.
DISCLOSURE_TEXT = _("Received free from {brand} through an invited-tester campaign.")
DISCLOSURE_DETAIL = _(
    "{brand} sent this product to the reviewer at no cost. The review is the reviewer's own: "
    "the brand cannot edit, hide, reorder or reward it."
)


def disclosure_wording(brand: str) -> dict[str, str]:
    """The disclosure's sentence (`text`) and its explanation (`detail`) for a brand's name, in
    the active language."""
    return {"text": str(DISCLOSURE_TEXT).format(brand=brand), "detail": str(DISCLOSURE_DETAIL).format(brand=brand)}


class Campaign(models.Model):
    """A brand's offer of `units` of one of its products to invited testers."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("campaign status", "Open")
        CLOSED = "closed", pgettext_lazy("campaign status", "Closed")

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("brand"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("product"))
    title = models.CharField(max_length=160, verbose_name=_("title"))
    # What the tester receives. Never instructions on what to write: reviewers are never told.
    description = models.TextField(max_length=2000, blank=True, verbose_name=_("description"))
    units = models.PositiveIntegerField(validators=[MinValueValidator(1)], verbose_name=_("units"))
    # The categories whose experts the brand wants (at least the product's own).
    categories = models.ManyToManyField(Category, related_name="tester_campaigns", verbose_name=_("categories"))
    min_level = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(10)], verbose_name=_("minimum level")
    )
    invite_opens_at = models.DateTimeField(verbose_name=_("invitations open at"))
    invite_closes_at = models.DateTimeField(verbose_name=_("invitations close at"))
    # The review is due this many days after the tester marks the product received.
    review_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(90)], verbose_name=_("days to review")
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN, verbose_name=_("status"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(units__gte=1), name="campaign_units_positive"),
            models.CheckConstraint(condition=Q(min_level__gte=1, min_level__lte=10), name="campaign_min_level_1_to_10"),
            models.CheckConstraint(
                condition=Q(invite_closes_at__gt=F("invite_opens_at")), name="campaign_window_order"
            ),
            models.CheckConstraint(condition=Q(review_days__gte=1), name="campaign_review_days_positive"),
        ]
        indexes = [models.Index(fields=["brand", "-created_at"], name="campaign_brand_newest")]

    def __str__(self) -> str:
        return f"{self.title} ({self.brand.name})"

    def window_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.OPEN and self.invite_opens_at <= now < self.invite_closes_at


class Invitation(models.Model):
    """One unit of a campaign offered to one tester, and everything that happens to it."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired (not answered in time)")
        SHIPPED = "shipped", _("Shipped")
        RECEIVED = "received", _("Received")
        OVERDUE = "overdue", _("Review overdue")
        REVIEWED = "reviewed", _("Reviewed")
        # Unanswered when the tester joined a brand: people who speak for a brand do not test.
        WITHDRAWN = "withdrawn", _("Withdrawn (the tester joined a brand)")

    # Invitations that hold one of the campaign's units.
    HOLDING_UNIT = (
        Status.INVITED,
        Status.ACCEPTED,
        Status.SHIPPED,
        Status.RECEIVED,
        Status.OVERDUE,
        Status.REVIEWED,
    )
    # Items still waiting on the tester or the brand (capped per tester: policy.MAX_OPEN_ITEMS_PER_TESTER).
    OPEN = (Status.INVITED, Status.ACCEPTED, Status.SHIPPED, Status.RECEIVED, Status.OVERDUE)
    # States in which the tester's review of the product is linked to the campaign.
    LINKABLE = (Status.ACCEPTED, Status.SHIPPED, Status.RECEIVED, Status.OVERDUE)

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("campaign")
    )
    tester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tester_invitations", verbose_name=_("tester")
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED, verbose_name=_("status"))
    # Null when Candor sent it on the brand's behalf ("let Candor invite").
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    match_score = models.FloatField(default=0.0, verbose_name=_("match score"))
    invited_at = models.DateTimeField(default=timezone.now, verbose_name=_("invited at"))
    responded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("responded at"))
    accepted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("accepted at"))
    # Given by the tester on accepting, shown to the brand only to ship, erased once received.
    shipping_address = models.TextField(max_length=500, blank=True, verbose_name=_("shipping address"))
    shipped_at = models.DateTimeField(null=True, blank=True, verbose_name=_("shipped at"))
    tracking = models.CharField(max_length=120, blank=True, verbose_name=_("tracking number"))
    received_at = models.DateTimeField(null=True, blank=True, verbose_name=_("received at"))
    due_at = models.DateTimeField(null=True, blank=True, verbose_name=_("review due at"))
    reminder_sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reminder sent at"))
    overdue_at = models.DateTimeField(null=True, blank=True, verbose_name=_("overdue at"))
    review = models.OneToOneField(
        Review,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tester_assignment",
        verbose_name=_("review"),
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reviewed at"))

    class Meta:
        verbose_name = _("tester invitation")
        verbose_name_plural = _("tester invitations")
        ordering = ["-invited_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "tester"], name="invitation_once_per_campaign"),
        ]
        indexes = [
            models.Index(fields=["tester", "status"], name="invitation_tester_status"),
            models.Index(fields=["status", "due_at"], name="invitation_deadlines"),
            models.Index(fields=["campaign", "status"], name="invitation_campaign_status"),
        ]

    def __str__(self) -> str:
        return f"{self.tester_id} in campaign {self.campaign_id}: {self.status}"

    @property
    def disclosure_text(self) -> str:
        """The disclosure's sentence (reads the campaign's brand: load `campaign__brand`)."""
        return disclosure_wording(self.campaign.brand.name)["text"]

    def disclosure(self, brand: str) -> dict:
        """What every reader of the linked review is told, `brand` being the reviewed product's
        brand name (the API's `disclosure`; the page's notice shows the same wording)."""
        return {"kind": DISCLOSURE_KIND, **disclosure_wording(brand), "campaign": self.campaign_id, "brand": brand}

    @property
    def is_late(self) -> bool:
        return self.overdue_at is not None


class CampaignEvent(models.Model):
    """The record of every state change of a brand's program: verification, products,
    campaigns and each invitation's steps. Written in the same transaction as the change."""

    class Kind(models.TextChoices):
        BRAND_REGISTERED = "brand_registered", _("Brand registered")
        BRAND_VERIFIED = "brand_verified", _("Brand verified")
        BRAND_UNVERIFIED = "brand_unverified", _("Brand verification withdrawn")
        MEMBER_ADDED = "member_added", _("Member added")  # before invitations: kept for history
        MEMBER_INVITED = "member_invited", _("Member invited")
        MEMBER_JOINED = "member_joined", _("Member joined (invitation accepted)")
        MEMBER_DECLINED = "member_declined", _("Membership invitation declined")
        INVITE_WITHDRAWN = "invite_withdrawn", _("Membership invitation withdrawn")
        MEMBER_LEFT = "member_left", _("Member left")
        MEMBER_REMOVED = "member_removed", _("Member removed")
        OWNER_CHANGED = "owner_changed", _("Owner made or unmade")
        PRODUCT_CREATED = "product_created", _("Product added")
        PRODUCT_UPDATED = "product_updated", _("Product updated")
        CAMPAIGN_CREATED = "campaign_created", _("Campaign created")
        CAMPAIGN_CLOSED = "campaign_closed", _("Campaign closed")
        INVITED = "invited", _("Tester invited")
        ACCEPTED = "accepted", _("Invitation accepted")
        DECLINED = "declined", _("Invitation declined")
        EXPIRED = "expired", _("Invitation expired")
        SHIPPED = "shipped", _("Product shipped")
        RECEIVED = "received", _("Product received")
        REVIEW_LINKED = "review_linked", _("Review linked")
        REVIEW_UNLINKED = "review_unlinked", _("Review deleted by its author")
        REMINDER_SENT = "reminder_sent", _("Review reminder sent")
        OVERDUE = "overdue", _("Review overdue")
        TESTER_DEMOTED = "tester_demoted", _("Tester demoted for overdue reviews")
        WITHDRAWN = "withdrawn", _("Invitation withdrawn (the tester joined a brand)")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="campaign_events", verbose_name=_("brand"))
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="events", verbose_name=_("campaign")
    )
    invitation = models.ForeignKey(
        Invitation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("tester invitation"),
    )
    # Null when Candor itself acted (scheduled jobs, automatic linking).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("event type"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("data"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("campaign event")
        verbose_name_plural = _("campaign events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["campaign", "-created_at"], name="campaign_event_campaign"),
            models.Index(fields=["brand", "-created_at"], name="campaign_event_brand"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.brand_id}/{self.campaign_id})"


class MembershipInvitation(models.Model):
    """A brand's invitation to a person to speak for it. Nobody joins a brand without accepting
    one (brands.services.brand_invitation_accept); at most one is pending per brand and person."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        # By an owner, or by Candor when the person joined a brand (this one or another).
        WITHDRAWN = "withdrawn", _("Withdrawn")

    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, related_name="membership_invitations", verbose_name=_("brand")
    )
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="brand_membership_invitations",
        verbose_name=_("invitee"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, verbose_name=_("status"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    responded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("responded at"))

    class Meta:
        verbose_name = _("membership invitation")
        verbose_name_plural = _("membership invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "invitee"],
                condition=Q(status="pending"),
                name="membership_invitation_one_pending",
            ),
        ]
        indexes = [
            models.Index(fields=["invitee", "status"], name="membership_invitation_invitee"),
            models.Index(fields=["brand", "-created_at"], name="membership_invitation_brand"),
        ]

    def __str__(self) -> str:
        return f"{self.invitee_id} to {self.brand_id}: {self.status}"


class InvitationEmail(models.Model):
    """An email to a tester about their invitation, and whether it went out: the outbox.

    Written in the same transaction as the change that calls for it, so a broker outage delays
    the email but never loses it: the task enqueued after commit sends it, and when that could
    not be enqueued (or sending failed) the periodic drain does (brands.tasks.send_pending_emails).
    A sender claims the row first (pending -> sending, a conditional update), so no email goes
    out twice; a sender that dies between sending and recording it leaves the row `sending`,
    never resent (at most once).
    """

    class Template(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        REMINDER = "reminder", _("Review due soon")
        OVERDUE = "overdue", _("Review overdue")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not sent: no address, or the invitation moved on")
        FAILED = "failed", _("Failed: gave up")

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="emails", verbose_name=_("tester invitation")
    )
    template = models.CharField(max_length=12, choices=Template.choices, verbose_name=_("email type"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING, verbose_name=_("status"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    # The periodic drain leaves a pending email alone until then: the task enqueued at commit
    # gets the first go, and a failed attempt backs off.
    retry_at = models.DateTimeField(default=timezone.now, verbose_name=_("retry at"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    claimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("claimed at"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    error = models.CharField(max_length=300, blank=True, verbose_name=_("error"))

    class Meta:
        verbose_name = _("invitation email")
        verbose_name_plural = _("invitation emails")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["invitation", "template"], name="invitation_email_once"),
        ]
        indexes = [
            models.Index(fields=["retry_at"], condition=Q(status="pending"), name="invitation_email_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.template} email for invitation {self.invitation_id}: {self.status}"

    def still_applies(self) -> bool:
        """False once the invitation moved past what the email is about (a tester who already
        answered in the app needs no invitation email after a long outage)."""
        status = self.invitation.status
        if self.template == self.Template.INVITATION:
            return status == Invitation.Status.INVITED
        if self.template == self.Template.REMINDER:
            return status == Invitation.Status.RECEIVED and self.invitation.review_id is None
        return status == Invitation.Status.OVERDUE
