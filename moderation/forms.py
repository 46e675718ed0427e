"""Forms of the moderation pages. They only check input shape; the rules live in services."""

from django import forms

from config.forms import DateTimeLocalInput

from .models import Announcement, AuditEntry, Report
from .services import CONTENT_ACTIONS, FRAUD_DECISIONS, MAX_FEATURE_DAYS, MAX_SUSPENSION_DAYS, USER_ACTIONS

REASON_WIDGET = forms.Textarea(attrs={"rows": 3, "maxlength": 1000})


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=Report.Reason.choices, widget=forms.RadioSelect, label="What is wrong?")
    note = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        label="Anything the moderators should know",
        help_text="Required for “Other”.",
    )


class ContentActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a.title()) for a in CONTENT_ACTIONS])
    reason = forms.CharField(max_length=1000, widget=REASON_WIDGET, help_text="The author is told this reason.")


class DismissForm(forms.Form):
    reason = forms.CharField(required=False, max_length=1000, widget=REASON_WIDGET, label="Note")


class UserActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a.title()) for a in USER_ACTIONS])
    reason = forms.CharField(max_length=1000, widget=REASON_WIDGET, help_text="The member is told this reason.")
    days = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_SUSPENSION_DAYS, help_text="Only for a suspension."
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "suspend" and cleaned.get("days") is None and "days" not in self.errors:
            self.add_error("days", "How many days? Required to suspend.")
        return cleaned


class FeatureForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=MAX_FEATURE_DAYS, initial=7, label="Feature for (days)")
    reason = forms.CharField(required=False, max_length=1000, widget=REASON_WIDGET, label="Note")


class FraudDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[(d, d.title()) for d in FRAUD_DECISIONS])
    reason = forms.CharField(max_length=1000, widget=REASON_WIDGET, help_text="Recorded in the audit log.")


class AnnouncementForm(forms.Form):
    title = forms.CharField(max_length=120)
    body = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    link_url = forms.CharField(required=False, max_length=300, label="Link", help_text="/path on Candor or https://…")
    tone = forms.ChoiceField(choices=Announcement.Tone.choices, initial=Announcement.Tone.INFO)
    pinned = forms.BooleanField(required=False, initial=True, label="Pinned above Discover")
    starts_at = forms.DateTimeField(
        required=False, widget=DateTimeLocalInput(), label="Starts", help_text="Empty: now (UTC)."
    )
    ends_at = forms.DateTimeField(
        required=False, widget=DateTimeLocalInput(), label="Ends", help_text="Optional (UTC)."
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
    review = forms.CharField(max_length=300, label="Review", help_text="Its number, or its link (…/r/123/).")
    note = forms.CharField(required=False, max_length=200, label="Editors' note")

    def clean_review(self) -> int:
        text = self.cleaned_data["review"].strip().rstrip("/")
        number = text.rsplit("/", 1)[-1]
        if not number.isdigit() or not 1 <= int(number) <= 2**63 - 1:
            raise forms.ValidationError("Give the review's number or its link.")
        return int(number)


class PickChangeForm(forms.Form):
    op = forms.ChoiceField(choices=[("remove", "Remove"), ("up", "Up"), ("down", "Down")])
    review = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(required=False, max_length=150, label="Moderator")
    member = forms.CharField(required=False, max_length=150, label="Member concerned")
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *AuditEntry.Action.choices])
    target_type = forms.CharField(required=False, max_length=60, label="Target type")
    target_id = forms.CharField(required=False, max_length=64, label="Target id")
