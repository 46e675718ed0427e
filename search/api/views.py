from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from .serializers import SearchInputSerializer, SearchResultSerializer, SuggestInputSerializer, SuggestionsSerializer


class SearchView(APIView):
    """Reviews matching the words of `q` (Chinese or English, Traditional or Simplified, synonyms
    included), ordered by relevance combined with review quality, most helpful or newest; with
    the total count, highlighted matches, and on the first page matching products, tags and
    people. `q` = `#tag` lists the reviews carrying the tag."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[SearchInputSerializer], responses=SearchResultSerializer)
    def get(self, request: Request) -> Response:
        params = SearchInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        category = data.get("category")
        result = selectors.search(
            data["q"],
            filters=selectors.Filters(
                category=category.slug if category else "",
                min_rating=data.get("min_rating"),
                has_photos=data["has_photos"],
                invited_tester=data["invited_tester"],
            ),
            sort=data["sort"],
            page=data["page"],
            viewer=request.user,
        )
        return Response(SearchResultSerializer(result, context={"request": request}).data)


class SuggestView(APIView):
    """As-you-type suggestions: products, brands and #tags whose names start with `q`."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[SuggestInputSerializer], responses=SuggestionsSerializer)
    def get(self, request: Request) -> Response:
        params = SuggestInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        suggestions = selectors.suggest(params.validated_data["q"])
        return Response(SuggestionsSerializer({"results": suggestions}).data)
