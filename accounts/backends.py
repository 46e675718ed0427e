"""Log-in by username, also when it is typed in a form that is stored differently; the signed-in
member of each request read with one statement built once per process."""

import functools

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router

from .models import MODERATORS_GROUP, Notification, User, moderator_sql
from .names import normalise_name


class NameBackend(ModelBackend):
    """Django's ModelBackend, which finds the account by its exact username; failing that, by the
    username as sign-up stores it (accounts.names.normalise_name), so "ａｌｉｃｅ" typed with a
    fullwidth keyboard logs "alice" in. Exact first: accounts named before names were normalised
    keep logging in as they always did."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and isinstance(username, str) and normalise_name(username) != username:
            if not User._default_manager.filter(username=username).exists():
                user = super().authenticate(request, username=normalise_name(username), password=password)
        return user

    def get_user(self, user_id):
        """The signed-in member of a request (member_row): every page asks for it."""
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = member_row(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def member_row(user_id: int) -> User | None:
    """The user `user_id` with what every page of theirs shows of them, in one statement:
    `is_moderator` (the header's Moderation link, every comment's actions; the rule of
    accounts.models.moderator_sql), their brand membership (`is_brand_member`, the header's Brand
    link; None cached when they have none, so asking costs no query) and `unread_notifications`
    (the header's bell). The statement is built once per process (_member_statement): the ORM
    compiling the same query with `select_related` and two annotations cost every member page
    about as much CPU as the rest of their extra work (bench/RESULTS.md)."""
    db = router.db_for_read(User)
    connection = connections[db]
    statement = _member_statement(db)
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, [MODERATORS_GROUP, user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    row = statement.convert(row, connection)
    user_end = len(statement.user_fields)
    user = User.from_db(db, statement.user_fields, row[:user_end])
    user.is_moderator = bool(row[user_end])
    user.unread_notifications = row[user_end + 1]
    membership_values = row[user_end + 2 :]
    membership = None
    if membership_values[0] is not None:  # its primary key: the LEFT JOIN found a row
        membership = statement.membership_model.from_db(db, statement.membership_fields, membership_values)
        _membership_relation().field.set_cached_value(membership, user)
    _membership_relation().set_cached_value(user, membership)
    return user


@functools.cache
def _membership_relation():
    # The brand membership lives in the reviews app; reached through the reverse relation so this
    # app imports nothing of reviews.
    return User._meta.get_field("brand_membership")


class _Statement:
    """member_row's SQL for one database, its columns' field names and the ORM's converters."""

    def __init__(self, alias: str):
        connection = connections[alias]
        quote = connection.ops.quote_name
        user_meta = User._meta
        membership_model = _membership_relation().related_model
        membership_meta = membership_model._meta
        notification_meta = Notification._meta
        user_pk = f"u.{quote(user_meta.pk.column)}"
        self.user_fields = tuple(field.attname for field in user_meta.concrete_fields)
        self.membership_fields = tuple(field.attname for field in membership_meta.concrete_fields)
        self.membership_model = membership_model
        # Column index -> the converters the ORM would apply (SQLite: dates, booleans...).
        columns = [("u", field) for field in user_meta.concrete_fields]
        columns += [None, None]  # the moderator flag and the unread count
        columns += [("m", field) for field in membership_meta.concrete_fields]
        self.converters = []
        for index, column in enumerate(columns):
            if column is None:
                continue
            table, field = column
            expression = field.get_col(table)
            found = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
            if found:
                self.converters.append((index, found, expression))
        selected = [f"u.{quote(field.column)}" for field in user_meta.concrete_fields]
        selected.append(moderator_sql(connection, "u"))
        # Served by the partial index `notification_unread`.
        selected.append(
            f"(SELECT COUNT(*) FROM {quote(notification_meta.db_table)} n "  # noqa: S608 # nosec B608 # model names only
            f"WHERE n.{quote(notification_meta.get_field('recipient').column)} = {user_pk} "
            f"AND n.{quote(notification_meta.get_field('read_at').column)} IS NULL)"
        )
        selected += [f"m.{quote(field.column)}" for field in membership_meta.concrete_fields]
        self.sql = (
            f"SELECT {', '.join(selected)} FROM {quote(user_meta.db_table)} u "  # noqa: S608 # nosec B608 # model names only
            f"LEFT JOIN {quote(membership_meta.db_table)} m "
            f"ON m.{quote(membership_meta.get_field('user').column)} = {user_pk} "
            f"WHERE {user_pk} = %s"
        )

    def convert(self, row: tuple, connection) -> list:
        row = list(row)
        for index, functions, expression in self.converters:
            for convert in functions:
                row[index] = convert(row[index], expression, connection)
        return row


@functools.cache
def _member_statement(alias: str) -> _Statement:
    return _Statement(alias)
