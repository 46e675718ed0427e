#!/usr/bin/env bash
# The zh-Hans translations are complete and compiled (issue 26; docs/i18n.md).
#
#   scripts/i18n_check.sh            update the catalogues (makemessages), then fail listing every
#                                    zh_Hans message without a translation or marked fuzzy, and every
#                                    .mo that does not hold what its .po says
#   scripts/i18n_check.sh --compile  the same, after compiling each .po into its .mo (compilemessages)
#   scripts/i18n_check.sh [--compile] project accounts ...   only these catalogues (project: locale/)
#
# Catalogues: the project's locale/ (templates/, config/, static/js/) and each app's <app>/locale/,
# each made by makemessages run from its own directory. A .po whose only change is makemessages'
# POT-Creation-Date is put back as it was, so a clean run leaves the tree untouched; references
# name the file without its line (--add-location=file), so moving a string is no change either.
set -uo pipefail
cd "$(dirname "$0")/.."

LANG_DIR=zh_Hans
PYTHON=${PYTHON:-$PWD/.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3

for tool in xgettext msgmerge msgfmt msgattrib msgunfmt; do
    if ! command -v "$tool" >/dev/null; then
        echo "i18n check skipped: GNU gettext's $tool is not installed (apt-get install gettext)."
        exit 0
    fi
done

compile=0
if [ "${1:-}" = "--compile" ]; then
    compile=1
    shift
fi
only=" $* "
wanted() { [ "$only" = "  " ] || [[ "$only" == *" $1 "* ]]; }

backup=$(mktemp -d)
trap 'rm -rf "$backup"' EXIT

# Apps with their own catalogue: every top-level directory holding an apps.py and a locale/.
apps=()
for dir in */; do
    dir=${dir%/}
    [ -f "$dir/apps.py" ] && [ "$dir" != config ] && apps+=("$dir")
done
app_ignores=()
for app in "${apps[@]}"; do app_ignores+=(--ignore "$app/*"); done
common_ignores=(--ignore ".venv/*" --ignore "node_modules/*" --ignore "tests/*" --ignore "bench/*"
    --ignore "docs/*" --ignore "var/*" --ignore "scripts/*" --ignore "staticfiles/*" --ignore "static/vendor/*")

catalogues=()
wanted project && catalogues+=(locale)
for app in "${apps[@]}"; do [ -d "$app/locale" ] && wanted "$app" && catalogues+=("$app/locale"); done

# Keep each .po as it was, to undo a change that is only makemessages' timestamp.
for dir in "${catalogues[@]}"; do
    mkdir -p "$backup/$dir"
    cp -p "$dir/$LANG_DIR/LC_MESSAGES/"*.po "$backup/$dir/" 2>/dev/null || true
done

# makemessages for every catalogue in one Python process (Django starts once, not once per
# catalogue): each job is a directory to run in and its options, jobs separated by "--".
jobs=()
if wanted project; then
    jobs+=(. "${common_ignores[@]}" "${app_ignores[@]}" --)
    jobs+=(. -d djangojs "${common_ignores[@]}" "${app_ignores[@]}" --)
fi
for app in "${apps[@]}"; do
    [ -d "$app/locale" ] && wanted "$app" || continue
    jobs+=("$app" --ignore "static/vendor/*" --)
    if find "$app" -name '*.js' -not -path '*/vendor/*' | grep -q .; then
        jobs+=("$app" -d djangojs --ignore "static/vendor/*" --)
    fi
done
if [ ${#jobs[@]} -gt 0 ]; then
    "$PYTHON" - "$LANG_DIR" "${jobs[@]}" <<'PY' || exit 1
import os
import sys

# As manage.py: the project on the path, its settings unless the environment names others.
root = os.getcwd()
sys.path.insert(0, root)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
import django  # noqa: E402
from django.core.management import call_command  # noqa: E402

django.setup()
lang, args = sys.argv[1], sys.argv[2:]
while args:
    end = args.index("--")
    where, options, args = args[0], args[1:end], args[end + 1 :]
    os.chdir(os.path.join(root, where))
    try:
        call_command("makemessages", "-l", lang, "--no-obsolete", "--add-location=file", *options, "-v", "0")
    except Exception as error:  # any failure of one catalogue fails the check, naming it
        print(f"i18n check: makemessages failed in {where}: {error}")
        sys.exit(1)
PY
fi

failed=0
for dir in "${catalogues[@]}"; do
    for po in "$dir/$LANG_DIR/LC_MESSAGES/"*.po; do
        [ -f "$po" ] || continue
        old="$backup/$dir/$(basename "$po")"
        if [ -f "$old" ] && diff -q <(grep -v '^"POT-Creation-Date:' "$old") <(grep -v '^"POT-Creation-Date:' "$po") >/dev/null; then
            cp -p "$old" "$po"
        fi
        # A catalogue with no message at all (a djangojs.po of an app without strings) is fine.
        missing=$(msgattrib --untranslated --no-wrap --no-location "$po" 2>/dev/null | grep '^msgid "' | grep -v '^msgid ""$')
        fuzzy=$(msgattrib --only-fuzzy --no-wrap --no-location "$po" 2>/dev/null | grep '^msgid "' | grep -v '^msgid ""$')
        if [ -n "$missing" ]; then
            echo "$po: not translated:"
            echo "$missing" | sed 's/^/    /'
            failed=1
        fi
        if [ -n "$fuzzy" ]; then
            echo "$po: fuzzy (check the translation, then remove the '#, fuzzy' line):"
            echo "$fuzzy" | sed 's/^/    /'
            failed=1
        fi
        mo="${po%.po}.mo"
        if [ "$compile" = 1 ]; then
            msgfmt --check-format -o "$mo" "$po" || failed=1
        fi
        # Compare what the .mo holds with what the .po compiles to (msgunfmt of both), not bytes or
        # file times: another gettext version lays a .mo out differently, git keeps no mtimes.
        fresh="$backup/fresh.mo"
        if ! msgfmt --check-format -o "$fresh" "$po"; then
            echo "$po: msgfmt refuses it (see above)"
            failed=1
        elif [ ! -f "$mo" ]; then
            echo "$mo: missing; run scripts/i18n_check.sh --compile and commit it"
            failed=1
        elif ! diff -q <(msgunfmt --no-wrap "$mo") <(msgunfmt --no-wrap "$fresh") >/dev/null; then
            echo "$mo: out of date with its .po; run scripts/i18n_check.sh --compile and commit it"
            failed=1
        fi
    done
done

if [ "$failed" = 1 ]; then
    echo "i18n check FAILED (how to fix: docs/i18n.md)"
    exit 1
fi
echo "i18n check passed: ${catalogues[*]}"
