from django.http import JsonResponse

from .models import Region

MAX_RESULTS = 20


def region_search(request):
    """JSON for the region picker: ?q=garegeh[&level=4][&within=13.75] → the best 20 matches with parents."""
    query = request.GET.get("q", "")
    level = request.GET.get("level")
    within = request.GET.get("within") or None
    regions = Region.objects.search(query, level=int(level) if level in {"1", "2", "3", "4"} else None, within=within)[
        :MAX_RESULTS
    ]
    results = [
        {
            "id": r.code,
            "text": r.path,
            "label": r.label,
            "parents": r.path.partition(", ")[2],
            "level": r.level,
        }
        for r in regions
    ]
    return JsonResponse({"results": results})
