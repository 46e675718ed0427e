"""Forms of the moderation pages. They only check input shape; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from config.forms import DateTimeLocalInput

from .models import Announcement, AuditEntry, Report
from .services import CONTENT_ACTIONS, FRAUD_DECISIONS, MAX_FEATURE_DAYS, MAX_SUSPENSION_DAYS, USER_ACTIONS

REASON_WIDGET = forms.Textarea(attrs={"rows": 3, "maxlength": 1000})


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=Report.Reason.choices, widget=forms.RadioSelect, label=_("What is wrong?"))
    note = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        label=_("Anything the moderators should know"),
        help_text=_("Required for “Other”."),
    )


class ContentActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a.title()) for a in CONTENT_ACTIONS], label=pgettext_lazy("moderation form field", "Action")
    )
    reason = forms.CharField(
        max_length=1000, widget=REASON_WIDGET, label=_("Reason"), help_text=_("The author is told this reason.")
    )


class DismissForm(forms.Form):
    reason = forms.CharField(required=False, max_length=1000, widget=REASON_WIDGET, label=_("Note"))


class UserActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a.title()) for a in USER_ACTIONS], label=pgettext_lazy("moderation form field", "Action")
    )
    reason = forms.CharField(
        max_length=1000, widget=REASON_WIDGET, label=_("Reason"), help_text=_("The member is told this reason.")
    )
    days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_SUSPENSION_DAYS,
        label=_("Days"),
        help_text=_("Only for a suspension."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "suspend" and cleaned.get("days") is None and "days" not in self.errors:
            self.add_error("days", _("How many days? Required to suspend."))
        return cleaned


class FeatureForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=MAX_FEATURE_DAYS, initial=7, label=_("Feature for (days)"))
    reason = forms.CharField(required=False, max_length=1000, widget=REASON_WIDGET, label=_("Note"))


class FraudDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[(d, d.title()) for d in FRAUD_DECISIONS], label=_("Decision"))
    reason = forms.CharField(
        max_length=1000, widget=REASON_WIDGET, label=_("Reason"), help_text=_("Recorded in the audit log.")
    )


class AnnouncementForm(forms.Form):
    title = forms.CharField(max_length=120, label=pgettext_lazy("announcement", "Title"))
    body = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=pgettext_lazy("announcement", "Body"),
    )
    link_url = forms.CharField(
        required=False, max_length=300, label=_("Link"), help_text=_("/path on Candor or https://…")
    )
    tone = forms.ChoiceField(
        choices=Announcement.Tone.choices, initial=Announcement.Tone.INFO, label=pgettext_lazy("announcement", "Tone")
    )
    pinned = forms.BooleanField(required=False, initial=True, label=_("Pinned above Discover"))
    starts_at = forms.DateTimeField(
        required=False, widget=DateTimeLocalInput(), label=_("Starts"), help_text=_("Empty: now (UTC).")
    )
    ends_at = forms.DateTimeField(
        required=False, widget=DateTimeLocalInput(), label=_("Ends"), help_text=_("Optional (UTC).")
    )

    @classmethod
    def for_announcement(cls, announcement: Announcement) -> "AnnouncementForm":
        return cls(
            initial={
                "title": announcement.title,
                "body": announcement.body,
                "link_url": announcement.link_url,
                "tone": announcement.tone,
                "pinned": announcement.pinned,
                "starts_at": announcement.starts_at,
                "ends_at": announcement.ends_at,
            }
        )


class PickAddForm(forms.Form):
    review = forms.CharField(
        max_length=300, label=pgettext_lazy("noun", "Review"), help_text=_("Its number, or its link (…/r/123/).")
    )
    note = forms.CharField(required=False, max_length=200, label=_("Editors' note"))

    def clean_review(self) -> int:
        text = self.cleaned_data["review"].strip().rstrip("/")
        number = text.rsplit("/", 1)[-1]
        if not number.isdigit() or not 1 <= int(number) <= 2**63 - 1:
            raise forms.ValidationError(_("Give the review's number or its link."))
        return int(number)


class PickChangeForm(forms.Form):
    op = forms.ChoiceField(choices=[("remove", "Remove"), ("up", "Up"), ("down", "Down")])
    review = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(required=False, max_length=150, label=_("Moderator"))
    member = forms.CharField(required=False, max_length=150, label=_("Member concerned"))
    action = forms.ChoiceField(
        required=False,
        choices=[("", _("Any action")), *AuditEntry.Action.choices],
        label=pgettext_lazy("moderation form field", "Action"),
    )
    target_type = forms.CharField(required=False, max_length=60, label=_("Target type"))
    target_id = forms.CharField(required=False, max_length=64, label=_("Target id"))
