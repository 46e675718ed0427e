"""Web pages of the tester program: the brand's dashboard (products, campaigns, discovery,
invitations, results), the moderators' brand verification, and the tester's invitations.

Thin views: read through selectors, write through services, render. Actions are plain form posts
that redirect back with a message; a refused step renders the shared "refused" page with its 4xx.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import User
from reviews.models import Brand, Review

from . import charts, exports, selectors, services
from .forms import AcceptForm, BrandRegisterForm, CampaignForm, LinkReviewForm, ProductForm, ShipForm
from .models import Campaign, Invitation, MembershipInvitation

CANDIDATES_SHOWN = 50


def _refuse(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "refused.html", {"message": message}, status=status)


def _messages_of(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(f"{m}" for messages_ in error.message_dict.values() for m in messages_)
    return " ".join(error.messages)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, msgs in error.message_dict.items():
            form.add_error(field if field in form.fields else None, msgs)
    else:
        form.add_error(None, error.messages)


def _run(request: HttpRequest, action, *, success: str, back: str) -> HttpResponse:
    """Run one service call for a form post: redirect back with a message, or refuse with its 4xx."""
    try:
        action()
    except PermissionDenied as error:
        return _refuse(request, str(error) or _("You cannot do this."), 403)
    except ValidationError as error:
        return _refuse(request, _messages_of(error), 400)
    except services.TransitionRefused as error:
        return _refuse(request, error.message, 409)
    messages.success(request, success)
    return redirect(back)


def _brand_or_none(request: HttpRequest) -> Brand | None:
    return selectors.brand_of(request.user)


def _campaign(request: HttpRequest, pk: int) -> tuple[Brand, Campaign]:
    brand = _brand_or_none(request)
    if brand is None:
        raise PermissionDenied(_("You are not a member of a brand."))
    campaign = selectors.campaign_for_brand(brand, pk)
    if campaign is None:
        raise Http404(_("No such campaign."))
    return brand, campaign


# --- brand pages ----------------------------------------------------------------------------------


@login_required
def brand_home(request: HttpRequest) -> HttpResponse:
    """A brand member's home: verification, products with category ranks, campaigns. Anyone else
    may register a new brand here."""
    brand = _brand_or_none(request)
    if brand is None:
        form = BrandRegisterForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.brand_register(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Your brand is registered. A moderator will verify it."))
                return redirect("brand-home")
        return render(request, "brands/register.html", {"form": form}, status=400 if form.errors else 200)
    product_form = ProductForm(request.POST or None, prefix="product")
    if request.method == "POST" and product_form.is_valid():
        try:
            product = services.brand_product_create(
                member=request.user,
                category=product_form.cleaned_data["category"],
                name=product_form.cleaned_data["name"],
                description=product_form.cleaned_data["description"],
            )
        except ValidationError as error:
            _add_errors(product_form, error)
        else:
            messages.success(request, _("%(product)s is in your catalogue.") % {"product": product.name})
            return redirect("brand-home")
    members = list(selectors.brand_members(brand))
    is_owner = any(m.user_id == request.user.pk and m.is_owner for m in members)
    context = {
        "brand": brand,
        "members": members,
        "is_owner": is_owner,
        "owner_count": sum(m.is_owner for m in members),
        "pending_invitations": list(
            selectors.brand_membership_invitations(brand).filter(status=MembershipInvitation.Status.PENDING)[:100]
        ),
        "brand_events": list(selectors.brand_events(brand)[:20]),
        "products": selectors.brand_products(brand),
        "campaigns": selectors.campaigns_for_brand(brand),
        "product_form": product_form,
    }
    return render(request, "brands/home.html", context, status=400 if product_form.errors else 200)


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    brand = _brand_or_none(request)
    if brand is None:
        return _refuse(request, _("You are not a member of a brand."), 403)
    if not brand.is_verified:
        return _refuse(
            request,
            _("A moderator must verify %(brand)s before it can run tester campaigns.") % {"brand": brand.name},
            403,
        )
    form = CampaignForm(request.POST or None, brand=brand)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(member=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        except PermissionDenied as error:
            return _refuse(request, str(error), 403)
        else:
            messages.success(request, _("Campaign created. Invite testers from the list below."))
            return redirect("brand-campaign", pk=campaign.pk)
    return render(
        request, "brands/campaign_form.html", {"brand": brand, "form": form}, status=400 if form.errors else 200
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign dashboard: funnel, chart, ratings, helpfulness, reviews, invitations and
    KOC discovery."""
    brand, campaign = _campaign(request, pk)
    dashboard = selectors.campaign_dashboard(campaign)
    distribution = dashboard["rating_distribution"]
    window_open = campaign.window_is_open()
    candidates = (
        selectors.campaign_candidates(campaign, limit=CANDIDATES_SHOWN) if window_open and brand.is_verified else []
    )
    context = {
        "brand": brand,
        "campaign": campaign,
        **dashboard,
        "distribution_total": sum(distribution.values()),
        "chart": charts.timeline_svg(dashboard["timeline"]),
        "reviews": list(selectors.campaign_reviews(campaign, request.user)[:40]),
        "invitations": list(selectors.campaign_invitations(campaign)),
        "candidates": candidates,
        # Only when nobody is proposed: say who was left out and why.
        "exclusions": selectors.campaign_exclusions(campaign) if window_open and not candidates else None,
        "window_open": window_open,
        "events": list(selectors.campaign_events(campaign)[:30]),
        "ship_form": ShipForm(),
    }
    return render(request, "brands/campaign_detail.html", context)


@require_POST
@login_required
def campaign_invite(request: HttpRequest, pk: int) -> HttpResponse:
    _brand, campaign = _campaign(request, pk)
    names = request.POST.getlist("testers")
    users = list(User.objects.filter(username__in=names))
    if not names or len(users) != len(set(names)):
        return _refuse(request, _("testers: choose testers from the list."), 400)
    back = reverse("brand-campaign", kwargs={"pk": campaign.pk})
    return _run(
        request,
        lambda: services.campaign_invite(actor=request.user, campaign=campaign, testers=users),
        success=ngettext("Invited %(count)s tester.", "Invited %(count)s testers.", len(users)) % {"count": len(users)},
        back=back,
    )


@require_POST
@login_required
def campaign_auto_invite(request: HttpRequest, pk: int) -> HttpResponse:
    _brand, campaign = _campaign(request, pk)
    try:
        count = int(request.POST["count"]) if request.POST.get("count") else None
    except ValueError:
        return _refuse(request, _("count: give a whole number of testers."), 400)
    back = reverse("brand-campaign", kwargs={"pk": campaign.pk})
    return _run(
        request,
        lambda: services.campaign_auto_invite(actor=request.user, campaign=campaign, count=count),
        success=_("Candor invited the best-matching testers."),
        back=back,
    )


@require_POST
@login_required
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    _brand, campaign = _campaign(request, pk)
    return _run(
        request,
        lambda: services.campaign_close(member=request.user, campaign=campaign),
        success=_("Campaign closed: no more invitations."),
        back=reverse("brand-campaign", kwargs={"pk": campaign.pk}),
    )


@login_required
def campaign_export(request: HttpRequest, pk: int) -> HttpResponse:
    _brand, campaign = _campaign(request, pk)
    return exports.campaign_csv_response(campaign)


@require_POST
@login_required
def invitation_ship(request: HttpRequest, pk: int) -> HttpResponse:
    brand = _brand_or_none(request)
    if brand is None:
        return _refuse(request, _("You are not a member of a brand."), 403)
    invitation = get_object_or_404(Invitation.objects.select_related("campaign"), pk=pk, campaign__brand=brand)
    form = ShipForm(request.POST)
    if not form.is_valid():
        return _refuse(request, "tracking: " + " ".join(form.errors.get("tracking", [])), 400)
    return _run(
        request,
        lambda: services.invitation_ship(
            member=request.user, invitation=invitation, tracking=form.cleaned_data["tracking"]
        ),
        success=_("Marked shipped to %(name)s.") % {"name": invitation.tester.public_name},
        back=reverse("brand-campaign", kwargs={"pk": invitation.campaign_id}) + "#invitations",
    )


# --- membership: owners invite and remove, members leave, invitees answer ------------------------------


@require_POST
@login_required
def member_invite(request: HttpRequest) -> HttpResponse:
    username = request.POST.get("username", "").strip()[:150]
    if not username:
        return _refuse(request, _("username: give the username of the person to invite."), 400)
    return _run(
        request,
        lambda: services.brand_member_invite(actor=request.user, username=username),
        success=_("Invited %(username)s. They join when they accept.") % {"username": username},
        back=reverse("brand-home") + "#members",
    )


def _own_brand_member(request: HttpRequest, username: str) -> None:
    """403 without a brand; 404 for anyone not a member of the caller's brand (as in the API)."""
    brand = _brand_or_none(request)
    if brand is None:
        raise PermissionDenied(_("You are not a member of a brand."))
    get_object_or_404(selectors.brand_members(brand), user__username=username)


@require_POST
@login_required
def member_remove(request: HttpRequest, username: str) -> HttpResponse:
    _own_brand_member(request, username)
    return _run(
        request,
        lambda: services.brand_member_remove(actor=request.user, username=username),
        success=_("%(username)s no longer speaks for your brand.") % {"username": username},
        back=reverse("brand-home") + "#members",
    )


@require_POST
@login_required
def member_owner(request: HttpRequest, username: str) -> HttpResponse:
    _own_brand_member(request, username)
    is_owner = request.POST.get("is_owner")
    if is_owner not in {"1", "0"}:
        return _refuse(request, _("is_owner: send 1 to make an owner or 0 to unmake one."), 400)
    return _run(
        request,
        lambda: services.brand_member_set_owner(actor=request.user, username=username, is_owner=is_owner == "1"),
        success=(_("%(username)s is now an owner.") if is_owner == "1" else _("%(username)s is no longer an owner."))
        % {"username": username},
        back=reverse("brand-home") + "#members",
    )


@require_POST
@login_required
def member_invitation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    brand = _brand_or_none(request)
    if brand is None:
        return _refuse(request, _("You are not a member of a brand."), 403)
    invitation = get_object_or_404(selectors.brand_membership_invitations(brand), pk=pk)
    return _run(
        request,
        lambda: services.brand_invitation_withdraw(actor=request.user, invitation=invitation),
        success=_("Withdrew the invitation to %(username)s.") % {"username": invitation.invitee.username},
        back=reverse("brand-home") + "#members",
    )


@require_POST
@login_required
def member_leave(request: HttpRequest) -> HttpResponse:
    return _run(
        request,
        lambda: services.brand_member_leave(user=request.user),
        success=_("You no longer speak for the brand."),
        back=reverse("brand-home"),
    )


@login_required
def brand_invitations(request: HttpRequest) -> HttpResponse:
    """Invitations to speak for a brand, for the person invited: accept or decline."""
    invitations = list(selectors.membership_invitations_for(request.user)[:200])
    return render(request, "brands/brand_invitations.html", {"invitations": invitations})


def _own_membership_invitation(request: HttpRequest, pk: int) -> MembershipInvitation:
    return get_object_or_404(selectors.membership_invitations_for(request.user), pk=pk)


@require_POST
@login_required
def brand_invitation_accept(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _own_membership_invitation(request, pk)
    return _run(
        request,
        lambda: services.brand_invitation_accept(user=request.user, invitation=invitation),
        success=_("You now speak for %(brand)s.") % {"brand": invitation.brand.name},
        back=reverse("brand-home"),
    )


@require_POST
@login_required
def brand_invitation_decline(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _own_membership_invitation(request, pk)
    return _run(
        request,
        lambda: services.brand_invitation_decline(user=request.user, invitation=invitation),
        success=_("Declined %(brand)s's invitation.") % {"brand": invitation.brand.name},
        back=reverse("brand-invitations"),
    )


# --- moderators -------------------------------------------------------------------------------------


@login_required
def verification(request: HttpRequest) -> HttpResponse:
    if not request.user.is_moderator:
        return _refuse(request, _("Only moderators verify brands."), 403)
    return render(request, "brands/verification.html", {"brands": selectors.unverified_brands()})


@require_POST
@login_required
def verification_decide(request: HttpRequest, slug: str) -> HttpResponse:
    brand = get_object_or_404(Brand, slug=slug)
    verified = request.POST.get("verified")
    if verified not in {"1", "0"}:
        return _refuse(request, _("verified: send 1 to verify or 0 to withdraw."), 400)
    return _run(
        request,
        lambda: services.brand_verify(
            moderator=request.user, brand=brand, verified=verified == "1", note=request.POST.get("note", "")[:500]
        ),
        success=(_("%(brand)s is verified.") if verified == "1" else _("%(brand)s is no longer verified."))
        % {"brand": brand.name},
        back=reverse("brands-verification"),
    )


# --- testers -------------------------------------------------------------------------------------------


@login_required
def tester_invitations(request: HttpRequest) -> HttpResponse:
    invitations = list(selectors.invitations_for_tester(request.user))
    product_ids = [i.campaign.product_id for i in invitations]
    own_reviews = {
        r.product_id: r
        for r in Review.objects.filter(author=request.user, product_id__in=product_ids).only(
            "pk", "product_id", "created_at"
        )
    }
    for invitation in invitations:
        invitation.own_review = own_reviews.get(invitation.campaign.product_id)
        invitation.days_left = selectors.days_left(invitation)
    context = {
        "invitations": invitations,
        "record": selectors.tester_record(request.user),
        "accept_form": AcceptForm(),
    }
    return render(request, "brands/tester.html", context)


def _own_invitation(request: HttpRequest, pk: int) -> Invitation:
    return get_object_or_404(selectors.invitations_for_tester(request.user), pk=pk)


def _tester_back(invitation: Invitation) -> str:
    return reverse("tester-invitations") + f"#invitation-{invitation.pk}"


@require_POST
@login_required
def tester_accept(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _own_invitation(request, pk)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        return _refuse(request, "shipping_address: " + " ".join(form.errors.get("shipping_address", [])), 400)
    return _run(
        request,
        lambda: services.invitation_accept(
            tester=request.user, invitation=invitation, shipping_address=form.cleaned_data["shipping_address"]
        ),
        success=_("Accepted. %(brand)s will ship it to you.") % {"brand": invitation.campaign.brand.name},
        back=_tester_back(invitation),
    )


@require_POST
@login_required
def tester_decline(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _own_invitation(request, pk)
    return _run(
        request,
        lambda: services.invitation_decline(tester=request.user, invitation=invitation),
        success=_("Declined. Thank you for answering."),
        back=_tester_back(invitation),
    )


@require_POST
@login_required
def tester_received(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _own_invitation(request, pk)
    return _run(
        request,
        lambda: services.invitation_receive(tester=request.user, invitation=invitation),
        success=_("Marked received. Take your time to try it, then review it honestly."),
        back=_tester_back(invitation),
    )


@require_POST
@login_required
def tester_link(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _own_invitation(request, pk)
    form = LinkReviewForm(request.POST)
    review = (
        Review.objects.filter(pk=form.cleaned_data["review"], author=request.user).first() if form.is_valid() else None
    )
    if review is None:
        return _refuse(request, _("review: choose one of your own reviews."), 400)
    return _run(
        request,
        lambda: services.invitation_link_review(invitation=invitation, review=review, actor=request.user),
        success=_("Your review is linked and shows the invited-tester disclosure."),
        back=_tester_back(invitation),
    )
