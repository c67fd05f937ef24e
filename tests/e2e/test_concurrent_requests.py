"""One function, many concurrent invocations: each answer belongs to its own request (issue 9, finding 6).

The local runtime gives concurrent invocations of a function their own execution environment, as Lambda
does; before, 100 GET /stock/{sku} mixed with 100 POST /stock/receipts got one another's status codes.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from tests.e2e.conftest import Http

PAIRS = 100


def test_concurrent_stock_reads_and_receipts_each_get_their_own_answer(http: Http) -> None:
    staff = http.token(f"stock-{uuid.uuid4().hex[:6]}", "inventory")
    prefix = f"CC-{uuid.uuid4().hex[:6].upper()}"
    skus = [f"{prefix}-{i}" for i in range(PAIRS)]
    for sku in skus:  # one sku per receipt: no two receipts race for one stock level (that is a 409)
        product = {"sku": sku, "name": f"Part {sku}", "unit_price": "1.00", "currency": "EUR"}
        body = {**product, "tax_category": "standard", "reorder_point": 0, "reorder_quantity": 1, "active": True}
        status, answer = http.post("/products", body, token=staff)
        assert status == 201, answer

    def call(i: int) -> tuple[int, int, dict]:
        sku = skus[i // 2]
        if i % 2:
            status, answer = http.post("/stock/receipts", {"sku": sku, "quantity": 3}, token=staff)
        else:
            status, answer = http.get(f"/stock/{sku}", token=staff)
        return i, status, answer

    with ThreadPoolExecutor(2 * PAIRS) as pool:
        answers = list(pool.map(call, range(2 * PAIRS)))
    wrong = [(i, s, a) for i, s, a in answers if s != (201 if i % 2 else 200) or a.get("sku") != skus[i // 2]]
    assert not wrong, f"{len(wrong)} answers of {2 * PAIRS} not their own: {wrong[:3]}"
