"""Small presentation helpers shared by every Candor page: stars, avatars, photo covers."""

import hashlib
import re
from functools import lru_cache
from urllib.parse import urlencode

from django import template
from django.core.cache import caches
from django.core.exceptions import ObjectDoesNotExist
from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.templatetags.static import static
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, npgettext, pgettext

from accounts import selectors as account_selectors
from config import pagecache
from reviews import cards
from reviews.models import Review

register = template.Library()

# Cover photos in the Discover grid keep their own shape within these bounds (height / width), as
# Little Red Book does: tall photos up to 4:3, wide ones down to 3:4, so the grid stays lively
# without one panorama or one very tall photo dominating it.
COVER_MIN_RATIO = 0.75
COVER_MAX_RATIO = 4 / 3

# Shapes and colours are classes of static/css/candor.css, never style attributes: the
# Content-Security-Policy allows no inline style (config/settings/base.py).
# Soft backgrounds for text-only covers and initials avatars, picked by a stable hash: the
# classes soft-0 .. soft-5.
SOFT_COLOURS = 6
# Initials avatars come in these sizes (classes avatar-22 ...); other sizes take the nearest.
AVATAR_SIZES = (22, 28, 32, 36, 44, 72, 96)
# Cover shapes (height / width) in steps of COVER_RATIO_STEP: classes ratio-75 .. ratio-135.
COVER_RATIO_STEP = 0.05


def _soft_class(key: str) -> str:
    digest = hashlib.blake2s(key.encode(), digest_size=2).digest()
    return f"soft-{int.from_bytes(digest, 'big') % SOFT_COLOURS}"


@register.simple_tag
def stars(rating, size: str = "") -> str:
    """Five stars, `rating` of them filled, with a text alternative for screen readers."""
    try:
        value = max(0, min(5, round(float(rating))))
    except (TypeError, ValueError):
        value = 0
    filled = "★" * value
    empty = "★" * (5 - value)
    css = f"stars {size}".strip()
    return format_html(
        '<span class="{}" role="img" aria-label="{}"><span class="on" aria-hidden="true">{}</span>'
        '<span class="off" aria-hidden="true">{}</span></span>',
        css,
        gettext("%(rating)s out of 5 stars") % {"rating": value},
        filled,
        empty,
    )


@register.inclusion_tag("reviews/partials/avatar.html")
def avatar(user, size: int = 32, decorative: bool = True) -> dict:
    """A round avatar: the uploaded photo or the member's initial on a soft colour."""
    name = getattr(user, "public_name", "") or getattr(user, "username", "?")
    return {
        "member": user,
        "name": name,
        "initial": name[:1].upper(),
        "size": size,
        "size_class": f"avatar-{min(AVATAR_SIZES, key=lambda side: abs(side - size))}",
        "soft_class": _soft_class(getattr(user, "username", name)),
        "decorative": decorative,
    }


@register.filter
def cover_photo(review):
    """The first photo of a review, from the prefetched photos (no extra query)."""
    photos = list(review.photos.all())
    return photos[0] if photos else None


@register.filter
def cover_ratio(photo) -> str:
    """The class giving a card cover its shape, clamped to the grid's bounds (3:4 unknown)."""
    if not photo or not photo.width or not photo.height:
        return "ratio-135"
    ratio = max(COVER_MIN_RATIO, min(COVER_MAX_RATIO, photo.height / photo.width))
    return f"ratio-{round(ratio / COVER_RATIO_STEP) * round(100 * COVER_RATIO_STEP)}"


@register.simple_tag
def soft_colors(key) -> str:
    """The soft-colour class for a text-only cover or placeholder, stable for the same key."""
    return _soft_class(str(key))


@register.filter
def percent(part, whole) -> int:
    try:
        return round(100 * float(part) / float(whole)) if float(whole) else 0
    except (TypeError, ValueError):
        return 0


@register.filter
def photo_alt(photo, review) -> str:
    if photo.alt_text:
        return photo.alt_text
    return gettext("Photo %(number)s of “%(title)s”") % {"number": photo.position + 1, "title": review.title}


@lru_cache(maxsize=256)
def _static_url(path: str) -> str:
    return static(path)


def _sprite_url() -> str:
    # Looked up once per process: with the manifest storage each static() call costs a manifest
    # lookup and URL join, and a page draws dozens of icons.
    return _static_url("icons/sprite.svg")


@lru_cache(maxsize=256)
def _reversed(name: str, prefix: str, urlconf: str | None, language: str | None) -> str:
    return reverse(name, urlconf=urlconf)


def _forget_urls(setting: str, **kwargs) -> None:
    if setting in {"STATIC_URL", "STORAGES"}:
        _static_url.cache_clear()
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME"}:
        _reversed.cache_clear()


setting_changed.connect(_forget_urls)


@register.simple_tag
def fixed_static(path: str) -> str:
    """`{% static path %}` looked up once per process (the page shell's stylesheet, scripts and
    icons: the manifest lookup and URL join cost about as much as a small query per page)."""
    return _static_url(path)


@register.simple_tag
def fixed_url(name: str, optional: bool = False) -> str:
    """`{% url name %}` for a URL without arguments, reversed once per process (per script prefix,
    URLconf and language). `optional`: "" for a name the URLconf lacks, as `{% url name as var %}` gives."""
    try:
        # Per language too: a web page's address has the language's prefix (config.locale).
        return _reversed(name, get_script_prefix(), get_urlconf(), get_language())
    except NoReverseMatch:
        if optional:
            return ""
        raise


@register.simple_tag
def icon(name: str, label: str = "", css: str = "") -> str:
    """An icon from the sprite; decorative unless it has a label."""
    return _icon_html(name, label, css, _sprite_url())


@lru_cache(maxsize=512)
def _icon_html(name: str, label: str, css: str, sprite_url: str) -> str:
    # Kept per process: a page draws a dozen icons, each two format_html calls.
    aria = format_html('role="img" aria-label="{}"', label) if label else mark_safe('aria-hidden="true"')  # nosec B308 # a constant string
    return format_html(
        '<svg class="icon {}" {} focusable="false"><use href="{}#{}"></use></svg>',
        css,
        aria,
        sprite_url,
        name,
    )


@register.filter
def widget(field, css: str = ""):
    """Render a form field's widget tied to its help text and errors for screen readers."""
    attrs = {}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_errors")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if css:
        attrs["class"] = css
    return field.as_widget(attrs=attrs)


@register.filter
def startswith(text, prefix) -> bool:
    return bool(prefix) and str(text).startswith(str(prefix))


@register.filter
def level_of(user) -> int:
    """A reviewer's level from the standing loaded with them (select_related("author__standing")
    in the listing selectors); level 1 before their first ranking."""
    try:
        standing = user.standing
    except ObjectDoesNotExist:
        return 1
    return standing.level


@register.filter
def media_url(name: str) -> str:
    """The URL of a stored file from its name (as annotated by a selector)."""
    return default_storage.url(name) if name else ""


@register.simple_tag(takes_context=True)
def review_fragment(context, review, kind: str) -> str:
    """A review's reader-independent fragment ("card", "row_top", "row_actions_visitor"): from the
    card cache when the view attached it (reviews.cards.attach), drawn now otherwise. A card
    gets its reader's part and is closed here (review_card)."""
    if kind == "card":
        return review_card(context, review)
    return cards.fragment(review, kind)


def review_card(context, review, reader: "_ReaderParts | None | bool" = False) -> str:
    """A feed card: the cached, reader-independent body, then for a signed-in reader a save
    toggle drawn in the page's context (their CSRF token). The toggle shows the reader's state
    when the list knew it (`viewer_saved`, reviews.views.attach_viewer_state), "Save" otherwise;
    the response to a click swaps in the true state. `reader`: the page's reader_parts for the
    toggle, when the caller has looked it up already (None: a visitor)."""
    body = cards.fragment(review, "card")
    if not body:
        return body
    if reader is False:
        reader = reader_parts(context, "reviews/partials/save.html")
    toggle = reader(review) if reader is not None else ""
    return mark_safe(f"{body}{toggle}</article>\n")  # noqa: S308  # nosec B308 B703 - rendered templates


@register.simple_tag(takes_context=True)
def review_row(context, review, reader: "_ReaderParts | None | bool" = False) -> str:
    """A product-page row: its reader-independent top and, for visitors, their log-in links from
    the card cache; a signed-in reader's own vote and save forms drawn here, in the page's
    context (their CSRF token, the page to come back to)."""
    top = cards.fragment(review, "row_top")
    if reader is False:
        reader = reader_parts(context, cards.TEMPLATES["row_actions_visitor"])
    actions = reader(review) if reader is not None else cards.fragment(review, "row_actions_visitor")
    return mark_safe(f"{top}{actions}\n</article>")  # noqa: S308  # nosec B308 B703 - rendered templates


# --- a signed-in reader's part of each card or row, drawn once per state ------------------------
# The save toggle and the vote buttons differ between two reviews only in the review's numbers
# (its id, counts) and the reader's state (vote, saved, own review). Each state is drawn once per
# process, URL and language from its template with stand-in numbers and pagecache's CSRF
# placeholder (kept in the `fragments` cache), and each review gets that drawing with its own
# numbers and the request's token put in: a page of 20 reviews draws no template, not 20-40.

# Stand-ins: 15 digits, which no id or count reaches.
_STAND_IN_FIELDS = ("pk", "helpful_count", "not_helpful_count", "save_count", "comment_count")
_STAND_IN_BASE = 738_291_046_500_000
_STAND_INS = {field: _STAND_IN_BASE + i for i, field in enumerate(_STAND_IN_FIELDS)}
_STAND_IN_PATTERN = re.compile(rf"{_STAND_IN_BASE // 10}[0-{len(_STAND_IN_FIELDS) - 1}]|{pagecache.CSRF_PLACEHOLDER}")
_STAMPS_ATTR = "_candor_reader_stamps"
STAMP_SECONDS = 3600


def reader_parts(context, template_name: str) -> "_ReaderParts | None":
    """The signed-in reader's `template_name` parts for this page (None for a visitor): looked
    up once per request, template and page to come back to, then called for each review."""
    user = context.get("user")
    if not getattr(user, "is_authenticated", False):
        return None
    request = context["request"]
    next_url = context.get("next_url")
    # Within a request the URL, language and token are the same for every review: the drawings
    # are kept on the request for the rest, each as a format string with the token already in.
    forms = request.__dict__.setdefault(_STAMPS_ATTR, {}).setdefault((template_name, next_url), {})
    return _ReaderParts(context, template_name, user.pk, forms)


def _reader_part(context, template_name: str, review) -> str:
    """`template_name` drawn for `review` in the page's context (a signed-in reader's)."""
    return reader_parts(context, template_name)(review)


class _ReaderParts:
    """One page's drawing of a reader's part (`template_name`) per state, for every review."""

    def __init__(self, context, template_name: str, user_pk: int, forms: dict[tuple, str]):
        self.context, self.template_name, self.user_pk, self.forms = context, template_name, user_pk, forms

    def __call__(self, review) -> str:
        state = (
            getattr(review, "viewer_vote", None),
            bool(getattr(review, "viewer_saved", False)),
            getattr(review, "author_id", None) == self.user_pk,
        )
        form = self.forms.get(state)
        if form is None:
            form = self.forms[state] = self._form(state)
        # Numbers and None only: nothing to escape.
        return form.format_map(_ReviewNumbers(review))

    def _form(self, state: tuple) -> str:
        """The state's drawing as a format string, the request's token in: from the per-process
        stamp (drawn with stand-in numbers and the CSRF placeholder), drawn now if missing."""
        context, template_name = self.context, self.template_name
        request = context["request"]
        next_url = context.get("next_url")
        key = (template_name, state, next_url or request.get_full_path(), get_language())
        cache_key = f"reader_stamp:{hashlib.sha256(repr(key).encode()).hexdigest()}"
        stamp = caches["fragments"].get(cache_key)
        if stamp is None:
            vote, saved, own = state
            stand_in = Review(pk=_STAND_INS["pk"], author_id=self.user_pk if own else 0)
            for field in _STAND_IN_FIELDS[1:]:
                setattr(stand_in, field, _STAND_INS[field])
            stand_in.viewer_vote, stand_in.viewer_saved = vote, saved
            with context.push(review=stand_in, csrf_token=pagecache.CSRF_PLACEHOLDER):
                stamp = context.template.engine.get_template(template_name).render(context)
            caches["fragments"].set(cache_key, stamp, STAMP_SECONDS)
        token = str(context.get("csrf_token", "")).replace("{", "{{").replace("}", "}}")
        fields = {str(_STAND_INS[field]): f"{{{field}}}" for field in _STAND_IN_FIELDS}
        return _STAND_IN_PATTERN.sub(
            lambda match: fields.get(match.group(), token),
            stamp.replace("{", "{{").replace("}", "}}"),
        )


class _ReviewNumbers(dict):
    """A review's stand-in fields for str.format_map, read as they are asked for."""

    __slots__ = ("review",)

    def __init__(self, review):
        self.review = review

    def __missing__(self, field: str):
        return getattr(self.review, field, "")


@register.simple_tag(takes_context=True)
def review_fragments(context, reviews, kind: str) -> str:
    """review_fragment for every review of a list, joined (one tag call instead of one each; the
    reader's parts looked up once)."""
    if kind == "card":
        reader = reader_parts(context, "reviews/partials/save.html")
        return mark_safe("".join([review_card(context, review, reader) for review in reviews]))  # noqa: S308  # nosec B308 B703 - rendered templates
    return mark_safe("".join([review_fragment(context, review, kind) for review in reviews]))  # noqa: S308  # nosec B308 B703 - rendered templates


@register.simple_tag(takes_context=True)
def review_rows(context, reviews) -> str:
    """review_row for every review of a list, joined (the reader's parts looked up once)."""
    reader = reader_parts(context, cards.TEMPLATES["row_actions_visitor"])
    return mark_safe("".join([review_row(context, review, reader) for review in reviews]))  # noqa: S308  # nosec B308 B703 - rendered templates


@register.simple_tag
def unread_notifications(user) -> int:
    """How many unread notifications the signed-in member has (0 for visitors): read with the
    request's member's row (accounts.backends.NameBackend.get_user), counted here otherwise."""
    if not getattr(user, "is_authenticated", False):
        return 0
    counted = getattr(user, "unread_notifications", None)
    return account_selectors.unread_notification_count(user) if counted is None else counted


# --- the product page's filter and order links ------------------------------------------------
# Drawn in Python rather than as template loops: each link's query string and labels took the
# template engine ~0.25 ms, a third of the product page's drawing time.


def _query_with(query, **changes) -> str:
    """`{% querystring %}`: the query string `query` (a QueryDict) with `changes` (None removes
    a key), "?..." or "" when both are empty. (QueryDict.copy() deep-copies: ~30 µs a link.)"""
    params = dict(query.lists())
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = [value]
    if not params and not query:
        return ""
    return "?" + urlencode([(key, value) for key, values in params.items() for value in values])


@register.simple_tag(takes_context=True)
def rating_bars(context, distribution: dict, rating: int | None) -> str:
    """One bar per star (5 to 1) with its count, each a link showing only those reviews (the
    current one: back to all)."""
    query = context["request"].GET
    total = sum(distribution.values())
    bars = []
    for stars_value, count in distribution.items():
        current = rating == stars_value
        bars.append(
            (
                _query_with(query, rating=None if current else stars_value, page=None),
                mark_safe(' aria-current="true"') if current else "",  # nosec B308 B703 - a constant
                stars_value,
                npgettext("rating bar: after the stars, read aloud", "star:", "stars:", stars_value),
                round(100 * count / total) if total else 0,
                count,
                npgettext("rating bar: after the count, read aloud", "review", "reviews", count)
                + (" " + gettext("(showing only these; select to show all)") if current else ""),
            )
        )
    # The link's name is its own visible text plus words only a screen reader gets ("5 stars: 2
    # reviews"), not an aria-label that would hide the visible "5★ 2" from voice control.
    return format_html_join(
        "\n",
        '<li><a href="{}"{}><span class="histo-label">{}<span aria-hidden="true">★</span>'
        '<span class="sr-only"> {}</span></span>'
        '<span class="histo-bar" aria-hidden="true"><span class="w-{}"></span></span>'
        '<span class="histo-count">{}<span class="sr-only"> {}</span></span></a></li>',
        bars,
    )


@register.simple_tag(takes_context=True)
def order_links(context, orders, current: str) -> str:
    """The links ordering a list: `orders` as (key, label) pairs, `current` marked."""
    query = context["request"].GET
    return format_html_join(
        "",
        '<a href="{}"{}>{}</a>',
        (
            (
                _query_with(query, order=key, page=None),
                mark_safe(' aria-current="true"') if key == current else "",  # nosec B308 B703 - a constant
                label,
            )
            for key, label in orders
        ),
    )


@register.simple_tag
def category_chips(categories, active, tab: str) -> str:
    """The Discover page's category filter: "All", then each category, the active one marked;
    on the Following tab the links stay on it."""
    following = tab == "following"
    current = mark_safe(' aria-current="true"')  # nosec B308 B703 - a constant
    everything = format_html(
        '<a class="chip" href="{}"{}>{}</a>',
        "?tab=following" if following else fixed_url("discover"),
        "" if active else current,
        pgettext("category filter: every category", "All"),
    )
    prefix = "tab=following&" if following else ""
    return everything + format_html_join(
        "",
        '<a class="chip" href="?{}category={}"{}>{}</a>',
        (
            (prefix, category.slug, current if active == category else "", category.display_name)
            for category in categories
        ),
    )


# --- a signed-in member's header, drawn once per process for what it shows ---------------------


class MemberFragmentNode(template.Node):
    def __init__(self, nodelist, vary):
        self.nodelist, self.vary = nodelist, vary

    def render(self, context) -> str:
        vary = repr([value.resolve(context) for value in self.vary])
        key = f"member_fragment:{hashlib.sha256(vary.encode()).hexdigest()}"
        fragments = caches["fragments"]
        html = fragments.get(key)
        if html is None:
            with context.push(csrf_token=pagecache.CSRF_PLACEHOLDER):
                html = self.nodelist.render(context)
            fragments.set(key, html, MEMBER_FRAGMENT_SECONDS)
        return html.replace(pagecache.CSRF_PLACEHOLDER, str(context.get("csrf_token", "")))


MEMBER_FRAGMENT_SECONDS = 3600


@register.tag
def member_fragment(parser, token):
    """`{% member_fragment value ... %}...{% endmember_fragment %}`: the block drawn once per
    process for the values given (everything it shows: the URL, the member's name, avatar,
    unread count, roles...), kept in the per-process `fragments` cache, with the request's own
    CSRF token put in at each use (it is drawn with pagecache's placeholder), so a member's
    header costs a cache read instead of a third of their page's drawing."""
    vary = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endmember_fragment",))
    parser.delete_first_token()
    return MemberFragmentNode(nodelist, vary)
