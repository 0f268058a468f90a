from django.conf.locale import LANG_INFO
from django.db import transaction

from decks.models import Language


@transaction.atomic
def languages_seed() -> int:
    """Create or refresh a Language for every language Django knows; returns how many."""
    count = 0
    for code, info in LANG_INFO.items():
        if "name" not in info:  # entries like "zh" only point at a fallback
            continue
        Language.objects.update_or_create(
            code=code,
            defaults={
                "name": info["name"],
                "native_name": info.get("name_local", ""),
                "bidi": info.get("bidi", False),
            },
        )
        count += 1
    return count
