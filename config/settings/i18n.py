"""Languages of the interface (issue 26): Simplified Chinese and English."""

from pathlib import Path

LANGUAGE_CODE = "en"
USE_I18N = True
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The project-wide catalogue (templates/ and config/); each app keeps its own in <app>/locale/.
LOCALE_PATHS = [Path(__file__).resolve().parent.parent.parent / "locale"]
