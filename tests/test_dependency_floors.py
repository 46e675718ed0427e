"""Security floor for the dependencies that face untrusted input.

The advisory databases cannot be reached from CI, so the floor is written down here: each
package must be at least the first release that fixes the advisories listed beside it. Raise a
floor (and add the id) when a new advisory is published; requirements.txt pins the current
releases, which sit above every floor.
"""

from importlib.metadata import version

import pytest
from packaging.version import Version

SECURITY_FLOORS = {
    # Django 5.2.9 (2025-12-02): CVE-2025-13372 (FilteredRelation SQL injection on PostgreSQL),
    # CVE-2025-64460 (quadratic XML serializer DoS). 5.2.8: CVE-2025-64459 (_connector SQL
    # injection), CVE-2025-64458. 5.2.7: CVE-2025-59681, CVE-2025-59682.
    "django": ("5.2.9", ["CVE-2025-13372", "CVE-2025-64460", "CVE-2025-64459", "CVE-2025-59681"]),
    # Pillow 11.3.0 (2025-07-01): CVE-2025-48379 (heap overflow writing DDS). 10.3.0:
    # CVE-2024-28219. 10.2.0: CVE-2023-50447 (ImageMath.eval code execution).
    "pillow": ("11.3.0", ["CVE-2025-48379", "CVE-2024-28219", "CVE-2023-50447"]),
    # DRF 3.15.2: CVE-2024-21520 (XSS in the browsable API's break_long_headers filter).
    "djangorestframework": ("3.15.2", ["CVE-2024-21520"]),
    # Celery 5.2.2: CVE-2021-23727 (stored command injection via the result backend).
    "celery": ("5.2.2", ["CVE-2021-23727"]),
}


@pytest.mark.parametrize("package", sorted(SECURITY_FLOORS))
def test_installed_version_is_at_or_above_the_security_floor(package):
    floor, advisories = SECURITY_FLOORS[package]
    installed = Version(version(package))
    assert installed >= Version(floor), f"{package} {installed} is below {floor}, which fixes {', '.join(advisories)}"


def test_requirements_pin_every_floored_package_exactly():
    from pathlib import Path

    pins = {}
    for line in (Path(__file__).resolve().parent.parent / "requirements.txt").read_text().splitlines():
        if "==" in line:
            name, pinned = line.split("==")
            pins[name.split("[")[0].strip().lower()] = pinned.strip()
    for package, (floor, _) in SECURITY_FLOORS.items():
        assert package in pins, f"{package} is not pinned in requirements.txt"
        assert Version(pins[package]) >= Version(floor)
