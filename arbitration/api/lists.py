"""The one way an API view answers a list: the project's keyset pagination (config.api.KeysetPagination,
docs/scale.md) over a queryset or an in-memory list. Views using it are generic views with a `serializer_class`,
so the schema declares the paginated shape, `cursor` and `page_size`."""

from __future__ import annotations

from rest_framework.generics import GenericAPIView
from rest_framework.response import Response


def paginated(view: GenericAPIView, rows, **serializer_context) -> Response:
    page = view.paginate_queryset(rows)
    return view.get_paginated_response(view.get_serializer(page, many=True, **serializer_context).data)
