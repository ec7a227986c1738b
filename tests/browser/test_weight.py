"""Weight budget: a sign page with everything it loads is at most 30 KB compressed, from our host only.

The app does not compress responses itself (a proxy in front may), so the test gzips each body
the browser received, as a server would send it, and adds them up. The sizes are written to
artifacts/page-weights.json.
"""
import json
from urllib.parse import urlsplit

import pytest

from .support import CAMPAIGNS, ROOT, TAGS, gzip_size

BUDGET = 30 * 1024
WEIGHTS = ROOT / "artifacts" / "page-weights.json"


@pytest.fixture(scope="module")
def weights():
    measured = {}
    yield measured
    WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(WEIGHTS.read_text()) if WEIGHTS.exists() else {}
    WEIGHTS.write_text(json.dumps({**previous, **measured}, indent=2, sort_keys=True) + "\n")


@pytest.mark.parametrize("slug", CAMPAIGNS)
@pytest.mark.parametrize("tag", TAGS)
def test_sign_page_weight(visit, weights, tag, slug):
    visitor = visit(tag)
    page = visitor.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"/{tag}/{slug}/", wait_until="networkidle")

    assert visitor.requests, "the browser made no request"
    hosts = {urlsplit(url).hostname for url in visitor.requests}
    assert hosts == {"127.0.0.1"}, visitor.requests
    sizes = {}
    for response in responses:
        assert response.status < 400, (response.url, response.status)
        sizes[urlsplit(response.url).path] = gzip_size(response.body())
    total = sum(sizes.values())
    weights[f"{tag}/{slug}"] = {"total": total, "parts": sizes}
    assert total <= BUDGET, f"{tag}/{slug} weighs {total} bytes compressed: {sizes}"
