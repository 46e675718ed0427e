"""Token authentication for the API, lean enough for the vote endpoint's budget."""

from functools import cache

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from .models import MODERATORS_GROUP, moderator_sql


@cache
def _token_query(alias: str):
    """The SQL that reads a token's creation time and its user, the user's field names in column
    order, and the ORM's converters for each column (as the ORM would apply them).

    DRF runs `Token.objects.select_related("user").get(key=key)`: the same single query, but
    compiled by the ORM on every request, which cost more CPU than the rest of a vote. It depends
    only on the models and the database, so it is built once per process and database.
    """
    connection = connections[alias]
    quote = connection.ops.quote_name
    user_model = get_user_model()
    token_meta, user_meta = Token._meta, user_model._meta
    fields = [*user_meta.concrete_fields, token_meta.get_field("created")]
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col("u" if index < len(fields) - 1 else "t")
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if found:
            # The token's column comes after the moderator flag.
            converters.append((index if index < len(fields) - 1 else index + 1, found, column))
    columns = ", ".join(f"u.{quote(field.column)}" for field in user_meta.concrete_fields)
    # User.is_moderator read with the row, as accounts.backends does for sessions (no query per
    # request).
    in_moderators = moderator_sql(connection, "u")
    sql = (
        f"SELECT {columns}, {in_moderators}, t.{quote(token_meta.get_field('created').column)} "  # noqa: S608 # nosec B608 # model names only
        f"FROM {quote(token_meta.db_table)} t JOIN {quote(user_meta.db_table)} u "
        f"ON u.{quote(user_meta.pk.column)} = t.{quote(token_meta.get_field('user').column)} "
        f"WHERE t.{quote(token_meta.pk.column)} = %s"
    )
    return sql, tuple(field.attname for field in user_meta.concrete_fields), tuple(converters)


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's TokenAuthentication (same header, errors and schema), reading the token and its
    user with one statement built once per process instead of an ORM query per request."""

    def authenticate_credentials(self, key: str):
        db = router.db_for_read(Token)
        connection = connections[db]
        sql, user_fields, converters = _token_query(db)
        with connection.cursor() as cursor:
            cursor.execute(sql, [MODERATORS_GROUP, key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if converters:
            row = list(row)
            for index, functions, column in converters:
                for convert in functions:
                    row[index] = convert(row[index], column, connection)
        user = get_user_model().from_db(db, user_fields, row[:-2])
        user.is_moderator = bool(row[-2])
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if user.language:
            # The member's chosen language beats Accept-Language, as config.locale does for the
            # session users it sees; token users are only known here, inside DRF.
            translation.activate(user.language)
        token = Token.from_db(db, ("key", "user_id", "created"), (key, user.pk, row[-1]))
        token.user = user
        return user, token
