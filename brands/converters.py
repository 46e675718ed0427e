from django.urls import register_converter


class BoundedIdConverter:
    """A positive id that fits a 64-bit column (at most 18 digits), so a huge number in a URL is a
    404 rather than a database range error."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(BoundedIdConverter, "brands_id")
