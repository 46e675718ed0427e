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

makemessages() {  # $1: directory to run in; the rest: makemessages options
    local where=$1
    shift
    (cd "$where" && "$PYTHON" "$OLDPWD/manage.py" makemessages -l "$LANG_DIR" --no-obsolete --add-location=file "$@" -v 0) || {
        echo "i18n check: makemessages failed in $where"
        exit 1
    }
}

if wanted project; then
    makemessages . "${common_ignores[@]}" "${app_ignores[@]}"
    makemessages . -d djangojs "${common_ignores[@]}" "${app_ignores[@]}"
fi
for app in "${apps[@]}"; do
    [ -d "$app/locale" ] && wanted "$app" || continue
    makemessages "$app" --ignore "static/vendor/*"
    if find "$app" -name '*.js' -not -path '*/vendor/*' | grep -q .; then
        makemessages "$app" -d djangojs --ignore "static/vendor/*"
    fi
done

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
