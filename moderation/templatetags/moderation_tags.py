"""Template tags the rest of the site can drop in: pinned announcements (Discover), a
category's editor's picks, the reason shown to the author of hidden content, and the report /
moderate links of a review or comment."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder

from moderation import selectors

register = template.Library()


@register.simple_tag
def pinned_announcements() -> list:
    """The pinned announcements running now: `{% pinned_announcements as announcements %}`."""
    return selectors.pinned_announcements_now()


@register.inclusion_tag("moderation/partials/editors_picks.html", takes_context=True)
def editors_picks(context, category) -> dict:
    """`{% editors_picks category %}`: the category's picks as feed cards (nothing if none)."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    return {"picks": list(selectors.editors_picks(category, viewer)), "category": category, "request": request}


@register.inclusion_tag("moderation/partials/moderation_notice.html", takes_context=True)
def moderation_notice(context, obj) -> dict:
    """`{% moderation_notice review %}` (or a comment): for hidden or removed content, the
    moderators' reason, shown to its author and to moderators only."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if obj.status == "published" or user is None or not user.is_authenticated:
        return {"decision": None}
    if user.pk != obj.author_id and not user.is_moderator:
        return {"decision": None}
    kind = "review" if obj._meta.model_name == "review" else "comment"
    decision = selectors.latest_decision(**{kind: obj})
    return {"decision": decision, "obj": obj, "kind": kind, "is_author": user.pk == obj.author_id}


@register.inclusion_tag("moderation/partials/moderation_links.html", takes_context=True)
def moderation_links(context, obj) -> dict:
    """`{% moderation_links review %}` (or a comment): "Report" for other signed-in members,
    "Moderate" for moderators."""
    request = context.get("request")
    user = getattr(request, "user", None)
    kind = "review" if obj._meta.model_name == "review" else "comment"
    signed_in = user is not None and user.is_authenticated
    return {
        "obj": obj,
        "kind": kind,
        "can_report": obj.status == "published" and (not signed_in or user.pk != obj.author_id),
        "can_moderate": signed_in and user.is_moderator,
    }


@register.filter
def as_json(value, indent=None) -> str:
    """Audit before/after and fraud evidence as JSON text (escaped by the template)."""
    return json.dumps(
        value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, indent=int(indent) if indent else None
    )


@register.filter
def figure(value: float) -> str:
    """A weight or weighted count as people write it: 1, 0.9, 1.33 (not 1.00 or 0.90)."""
    return f"{round(float(value), 2):g}"
