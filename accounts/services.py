"""Writes on accounts: sign-up, profiles, follows and an account's standing (suspension, ban)."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from config.images import process_photo
from config.validation import check_fields

from . import notifications as notification_texts
from .models import Follow, Notification, User
from .names import TOO_SIMILAR, name_key, name_problem, normalise_name


@transaction.atomic
def user_register(*, username: str, password: str, email: str = "", display_name: str = "") -> User:
    """Create a consumer account. Raises ValidationError naming the offending field.

    The username is stored normalised (accounts.names) and refused when it looks like an
    existing one; the unique username_key settles a race between two such sign-ups."""
    username = username_check(username)
    if email and User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": [_("An account with this email already exists.")]})
    user = User(username=username, email=email, display_name=display_name.strip())
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError({"username": [TOO_SIMILAR]}) from None
    return user


def username_check(username: str) -> str:
    """The normalised form of a new username, or ValidationError({"username": ...}) saying why
    it cannot be had: wrong characters or length, mixed scripts, or too like an existing one."""
    username = normalise_name(username)
    try:
        User.username_validator(username)
    except ValidationError as error:
        raise ValidationError({"username": error.messages}) from None
    if not 3 <= len(username) <= User._meta.get_field("username").max_length:
        raise ValidationError({"username": [_("Use 3 to 150 characters.")]})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": [_("This username is taken.")]})
    if User.objects.filter(username_key=name_key(username)).exists():
        raise ValidationError({"username": [TOO_SIMILAR]})
    problem = name_problem(username)
    if problem:
        raise ValidationError({"username": [problem]})
    return username


PROFILE_FIELDS = ("display_name", "bio", "avatar", "language")


def language_check(language: str) -> str:
    """`language` if it is one of the interface's (settings.LANGUAGES), else ValidationError."""
    if language not in dict(settings.LANGUAGES):
        choices = ", ".join(code for code, _name in settings.LANGUAGES)
        raise ValidationError({"language": [_("Choose one of: %(choices)s.") % {"choices": choices}]})
    return language


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Save the member's interface language (the language switch)."""
    user.language = language_check(language)
    user.save(update_fields=["language"])
    return user


@transaction.atomic
def profile_update(*, user: User, interest_categories=None, **fields) -> User:
    """Update the editable profile fields (display_name, bio, avatar, language) and interests.

    An avatar goes through the same checks and metadata stripping as review photos; the display
    name and bio are stripped and checked against the model's rules (ValidationError naming the
    field), as the API checks them.
    """
    texts = {name: (fields[name] or "").strip() for name in ("display_name", "bio") if name in fields}
    check_fields(User(**texts), *texts)
    fields.update(texts)
    if fields.get("language"):
        language_check(fields["language"])
    if fields.get("avatar"):
        fields["avatar"] = process_photo(fields["avatar"], field="avatar").thumbnail
    for name in PROFILE_FIELDS:
        if name in fields:
            setattr(user, name, fields[name] or "")
    changed = [name for name in PROFILE_FIELDS if name in fields]
    if changed:
        # Only what the form or API sent: the row as this request loaded it may be stale (a
        # suspension made meanwhile must not be undone by a profile edit).
        user.save(update_fields=changed)
    if interest_categories is not None:
        user.interest_categories.set(interest_categories)
    return user


@transaction.atomic
def follow_create(*, follower: User, followee: User) -> bool:
    """Follow someone. Returns False when already following."""
    if follower.pk == followee.pk:
        raise ValidationError({"username": [_("You cannot follow yourself.")]})
    _follow, created = Follow.objects.get_or_create(follower=follower, followee=followee)
    if created:
        notify(
            recipient=followee,
            kind=Notification.Kind.NEW_FOLLOWER,
            url=f"/u/{follower.username}/",
            data={"follower": follower.username, "follower_name": follower.public_name},
        )
    return created


@transaction.atomic
def follow_delete(*, follower: User, followee: User) -> bool:
    deleted, _ = Follow.objects.filter(follower=follower, followee=followee).delete()
    return bool(deleted)


def in_language_of(user: User) -> translation.override:
    """Words stored for `user` to read later (a notification's title and body) are written under
    this: in their chosen language, else in the current request's."""
    return translation.override(user.language or translation.get_language())


def notify(
    *, recipient: User, kind: str, title: str = "", body: str = "", url: str = "", data: dict | None = None
) -> Notification:
    """Create an in-app notification. Callers run it inside their own transaction, so the
    notification exists exactly when the change it announces does.

    Without a title, the title (and the body, unless the text keeps the one given: someone's own
    words) are the kind's registered text (accounts.notifications) in the recipient's language;
    the same text words it again, in the reader's language, each time it is shown."""
    data = data or {}
    if not title:
        with in_language_of(recipient):
            rendered = notification_texts.render(kind, data)
        if rendered is None:
            raise ValueError(f"No text is registered for a {kind} notification with this data: {sorted(data)}")
        title, body = rendered[0], body if rendered[1] is None else rendered[1]
    return Notification.objects.create(recipient=recipient, kind=kind, title=title, body=body, url=url, data=data)


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark some (or, with ids=None, all) of the user's notifications read. Returns how many."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


# --- an account's standing: written here, decided by moderation.services (which records why) ---


def _standing_set(user: User, **fields) -> User:
    User.objects.filter(pk=user.pk).update(**fields)
    for name, value in fields.items():
        setattr(user, name, value)
    return user


@transaction.atomic
def user_suspend(*, user: User, until: datetime) -> User:
    """Suspend the account until `until` (replacing any current suspension): no posting,
    commenting, voting or reporting meanwhile. Updates `user` in place and returns it."""
    return _standing_set(user, suspended_until=until)


@transaction.atomic
def user_unsuspend(*, user: User) -> User:
    """Lift the account's suspension. Updates `user` in place and returns it."""
    return _standing_set(user, suspended_until=None)


@transaction.atomic
def user_deactivate(*, user: User) -> User:
    """Deactivate the account (a ban): Django then refuses its session and API token. Nothing of
    the member's is deleted. Updates `user` in place and returns it."""
    return _standing_set(user, is_active=False)


@transaction.atomic
def user_reactivate(*, user: User) -> User:
    """Activate a deactivated account again. Updates `user` in place and returns it."""
    return _standing_set(user, is_active=True)
