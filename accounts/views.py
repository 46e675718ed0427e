"""Web pages for accounts: sign up, log in and out, edit your profile, follow someone.

Thin: each view validates a form, calls one accounts service and renders or redirects. The
public profile page lists reviews, so it lives with the review pages (accounts imports neither
reviews nor ranking).
"""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.models import User
from config.locale import path_in_language
from config.throttling import rate_limited
from config.web import safe_next, web_login_required

from .forms import ProfileForm, SignupForm


@rate_limited("signup")
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("discover")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_register(**form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            login(request, user, backend="accounts.backends.NameBackend")
            messages.success(request, _("Welcome to Candor, %(name)s!") % {"name": user.public_name})
            # Sign-up's last, skippable step: the categories and #tags For You starts from. A
            # person who came to sign up on the way somewhere (`next`) goes straight there.
            return redirect(safe_next(request, reverse("foryou-interests")))
    status = 400 if form.is_bound else 200
    return render(request, "accounts/signup.html", {"form": form, "next": safe_next(request, "")}, status=status)


@method_decorator(rate_limited("login"), name="post")
class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class LogoutView(auth_views.LogoutView):
    """Log out by POST only (Django refuses GET), then back to Discover."""


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    # Categories live in the reviews app; reach them through the relation so accounts never
    # imports reviews.
    categories = User._meta.get_field("interest_categories").related_model.objects.all()
    form = ProfileForm(
        request.POST or None,
        request.FILES or None,
        categories=categories,
        initial={
            "display_name": user.display_name,
            "bio": user.bio,
            "interest_categories": list(user.interest_categories.all()),
            "language": user.language,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("avatar") is None:
            data.pop("avatar")  # nothing uploaded and not cleared: keep the current avatar
        try:
            services.profile_update(user=user, **data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if user.language:
                # The next page in the language just chosen.
                translation.activate(user.language)
            messages.success(request, _("Profile saved."))
            return redirect("profile", username=user.username)
    status = 400 if form.is_bound else 200
    return render(request, "accounts/profile_edit.html", {"form": form}, status=status)


@require_POST
@web_login_required
def user_follow(request: HttpRequest, username: str) -> HttpResponse:
    """Follow (follow=1) or unfollow (follow=0) someone; the target state, so a double
    click cannot undo itself."""
    followee = get_object_or_404(User, username=username, is_active=True)
    want = request.POST.get("follow")
    if want not in {"1", "0"}:
        return HttpResponse(_("follow: send 1 to follow or 0 to unfollow."), status=400, content_type="text/plain")
    try:
        if want == "1":
            services.follow_create(follower=request.user, followee=followee)
        else:
            services.follow_delete(follower=request.user, followee=followee)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")
    back = safe_next(request, reverse("profile", kwargs={"username": followee.username}))
    if request.htmx:
        member = selectors.users_with_public_counts(request.user).get(pk=followee.pk)
        context = {"member": member, "oob_counts": True, "next_url": back}
        return render(request, "accounts/partials/follow_button.html", context)
    return redirect(back)


LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


def language_set(request: HttpRequest) -> HttpResponse:
    """The language switch: show the site in `language` from now on, then go back to `next` in it.

    Remembered in a cookie (anyone) and, by POST, in the signed-in member's profile. A GET sets the
    cookie only: the anonymous header is cached without a CSRF token, so its switch is a link."""
    source = request.POST if request.method == "POST" else request.GET
    language = source.get("language", "")
    if language not in dict(settings.LANGUAGES):
        choices = ", ".join(code for code, _name in settings.LANGUAGES)
        return HttpResponse(
            _("language: choose one of %(choices)s.") % {"choices": choices}, status=400, content_type="text/plain"
        )
    if request.method == "POST" and request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    back = urlsplit(safe_next(request, "/"))
    response = redirect(urlunsplit(("", "", path_in_language(back.path or "/", language), back.query, "")))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=LANGUAGE_COOKIE_AGE, samesite="Lax", secure=request.is_secure()
    )
    return response


NOTIFICATIONS_SHOWN = 50


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """Your latest in-app notifications (new followers, level-ups, tester promotions...)."""
    latest = selectors.notifications_for(request.user, limit=NOTIFICATIONS_SHOWN)
    return render(request, "accounts/notifications.html", {"notifications": latest})


@require_POST
@login_required
def notifications_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_read(user=request.user)
    return redirect(safe_next(request, reverse("notifications")))
