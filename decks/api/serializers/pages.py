from rest_framework import serializers


def page_of(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The paginated-list shape of `item`, for the schema of actions that paginate."""
    fields = {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": item(many=True),
    }
    return type(name, (serializers.Serializer,), fields)
