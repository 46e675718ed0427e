import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def carry_over(apps, schema_editor):
    """The email claims move from the invitation to the outbox: what was sent stays sent, and
    what was never sent (lost to a broker outage before the outbox) is sent if it still applies."""
    Invitation = apps.get_model("brands", "Invitation")
    InvitationEmail = apps.get_model("brands", "InvitationEmail")
    now = django.utils.timezone.now()
    rows = []
    for invitation in Invitation.objects.select_related("campaign").iterator():
        for template, sent_at, wanted in (
            ("invitation", invitation.invite_emailed_at,
             invitation.status == "invited" and invitation.campaign.invite_closes_at > now),
            ("overdue", invitation.overdue_emailed_at, invitation.status == "overdue"),
            ("reminder", invitation.reminder_sent_at, False),
        ):
            if sent_at is not None:
                rows.append(InvitationEmail(
                    invitation=invitation, template=template, status="sent",
                    created_at=sent_at, retry_at=sent_at, attempts=1, claimed_at=sent_at, sent_at=sent_at,
                ))
            elif wanted:
                rows.append(InvitationEmail(invitation=invitation, template=template, created_at=now, retry_at=now))
    InvitationEmail.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('brands', '0001_campaigns_invitations_events'),
    ]

    operations = [
        migrations.CreateModel(
            name='InvitationEmail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('template', models.CharField(choices=[('invitation', 'Invitation'), ('reminder', 'Review due soon'), ('overdue', 'Review overdue')], max_length=12)),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('sending', 'Being sent'), ('sent', 'Sent'), ('skipped', 'Not sent: no address, or the invitation moved on'), ('failed', 'Failed: gave up')], default='pending', max_length=8)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('retry_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('claimed_at', models.DateTimeField(blank=True, null=True)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('error', models.CharField(blank=True, max_length=300)),
                ('invitation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='emails', to='brands.invitation')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(condition=models.Q(('status', 'pending')), fields=['retry_at'], name='invitation_email_pending')],
                'constraints': [models.UniqueConstraint(fields=('invitation', 'template'), name='invitation_email_once')],
            },
        ),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='invitation',
            name='invite_emailed_at',
        ),
        migrations.RemoveField(
            model_name='invitation',
            name='overdue_emailed_at',
        ),
    ]
