"""Searching through the API: ranking, typos, part numbers, phrases and negation,
facets, highlights, pagination and bad queries."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.search.library import Library
from tests.support.harness import Headers

Client = AsyncTestClient[Any]


async def find(client: Client, auth: Headers, q: str, **params: Any) -> dict[str, Any]:
    response = await client.get("/api/search", params={"q": q, **params}, headers=auth())
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def titles(body: dict[str, Any]) -> list[str]:
    return [item["title"] for item in body["items"]]


async def test_ranking_puts_title_matches_and_exact_codes_first(
    client: Client, auth: Headers, library: Library
) -> None:
    await library.add(
        library.doc("Hydraulic pump housing", body="cast iron, for the press line"),
        library.doc("Press line gearbox", body="needs a hydraulic pump adapter"),
        library.doc("Spindle motor", code="HYD-PUMP-7", body="cooling"),
    )
    body = await find(client, auth, "hydraulic pump")
    assert titles(body) == ["Hydraulic pump housing", "Press line gearbox"]
    assert body["total"] == 2
    assert body["total_exact"] is True
    code = await find(client, auth, "HYD PUMP 7")
    assert titles(code)[0] == "Spindle motor"
    assert code["items"][0]["code_match"] == "exact"


async def test_typos_are_corrected_from_the_vocabulary(
    client: Client, auth: Headers, library: Library
) -> None:
    await library.add(
        library.doc("Steel bearing 6204", code="BRG-6204-2RS"),
        library.doc("Ceramic bearing 6204", code="BRG-6204-CER"),
        library.doc("Steel shaft 20 mm", code="SFT-20"),
    )
    body = await find(client, auth, "steal bearng")
    assert titles(body) == ["Steel bearing 6204"]
    assert {c["word"]: c["used"] for c in body["corrections"]} == {
        "steal": ["steel"],
        "bearng": ["bearing"],
    }
    # A missing dash, a wrong digit.
    assert titles(await find(client, auth, "BRG62042RS"))[0] == "Steel bearing 6204"
    near = await find(client, auth, "BRG-6205-2RS")
    assert near["items"][0]["title"] == "Steel bearing 6204"
    assert near["items"][0]["code_match"] == "near"


async def test_phrases_and_negation(client: Client, auth: Headers, library: Library) -> None:
    await library.add(
        library.doc("Ball bearing, steel"),
        library.doc("Ball bearing, ceramic"),
        library.doc("Bearing ball cage"),
    )
    assert sorted(titles(await find(client, auth, '"ball bearing" -ceramic'))) == [
        "Ball bearing, steel"
    ]
    assert sorted(titles(await find(client, auth, "ball bearing -ceramic"))) == [
        "Ball bearing, steel",
        "Bearing ball cage",
    ]


async def test_highlights_are_escaped_html(client: Client, auth: Headers, library: Library) -> None:
    await library.add(library.doc("Valve <b>V-2</b> & seal", body="the seal leaks under pressure"))
    (item,) = (await find(client, auth, "seal"))["items"]
    assert item["title_html"] == "Valve &lt;b&gt;V-2&lt;/b&gt; &amp; <mark>seal</mark>"
    assert "<mark>seal</mark> leaks" in item["snippet_html"]


async def test_facets_count_the_whole_result_and_filters_narrow_it(
    client: Client, auth: Headers, library: Library
) -> None:
    await library.add(
        library.doc("Gear pump", entity_type="material", status="active"),
        library.doc("Gear pump leaking", entity_type="ncr", status="open"),
        library.doc("Gear pump noise", entity_type="ncr", status="closed"),
    )
    body = await find(client, auth, "gear pump")
    types = {f["value"]: f["count"] for f in body["facets"]["entity_type"]}
    assert types == {"ncr": 2, "material": 1}
    only = await find(client, auth, "gear pump", type="ncr", status="open")
    assert titles(only) == ["Gear pump leaking"]


async def test_keyset_pages_cover_everything_once(
    client: Client, auth: Headers, library: Library
) -> None:
    await library.add(*[library.doc(f"Sensor cable {i}") for i in range(25)])
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 10} | ({"cursor": cursor} if cursor else {})
        body = await find(client, auth, "sensor", **params)
        seen += titles(body)
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(f"Sensor cable {i}" for i in range(25))
    # The newest first when BM25 ties.
    assert seen[0] == "Sensor cable 24"


async def test_prefix_and_suggestions(client: Client, auth: Headers, library: Library) -> None:
    await library.add(
        library.doc("Bearing housing"),
        library.doc("Bearing grease"),
        library.doc("Beam clamp"),
    )
    assert sorted(titles(await find(client, auth, "bea*"))) == [
        "Beam clamp",
        "Bearing grease",
        "Bearing housing",
    ]
    response = await client.get("/api/search/suggest", params={"q": "bearing hou"}, headers=auth())
    assert response.status_code == 200, response.text
    body = response.json()
    assert [i["title"] for i in body["items"]] == ["Bearing housing"]
    assert body["completions"] == ["housing"]
    assert body["items"][0]["title_html"] == "<mark>Bearing</mark> <mark>housing</mark>"


async def test_no_document_with_every_word_relaxes(
    client: Client, auth: Headers, library: Library
) -> None:
    await library.add(library.doc("Pneumatic cylinder"), library.doc("Hydraulic cylinder"))
    body = await find(client, auth, "pneumatic hydraulic")
    assert body["relaxed"] is True
    assert sorted(titles(body)) == ["Hydraulic cylinder", "Pneumatic cylinder"]


async def test_bad_queries_get_a_4xx_or_nothing(
    client: Client, auth: Headers, library: Library
) -> None:
    await library.add(library.doc("Torque wrench"))
    for q, status in (("", 422), ("   ", 422), ("x" * 10_000, 422)):
        response = await client.get("/api/search", params={"q": q}, headers=auth())
        assert response.status_code == status, (q[:20], response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    for q in ('"', "- - -", '"unbalanced torque', "* & | ! ( )", "-torque"):
        body = await find(client, auth, q)
        assert body["items"] == [] or titles(body) == ["Torque wrench"], q
    assert titles(await find(client, auth, '"unbalanced torque')) == []
    assert titles(await find(client, auth, '"torque wrench')) == ["Torque wrench"]
    response = await client.get(
        "/api/search", params={"q": "torque", "cursor": "not-a-cursor"}, headers=auth()
    )
    assert response.status_code == 422


async def test_a_very_common_word_counts_its_best_candidates_only(
    client: Client, auth: Headers, library: Library, monkeypatch: Any
) -> None:
    from search.query import engine

    monkeypatch.setattr(engine, "BOUND", 120)
    # "valve" in 150 documents: more than the bound; the best by BM25 are read (the short
    # titles, where the word weighs most), the total says it is not every match.
    await library.add(*[library.doc(f"Valve {i}") for i in range(30)])
    await library.add(*[library.doc(f"Valve body casting part {i}") for i in range(120)])
    body = await find(client, auth, "valve", limit=100)
    assert (body["total"], body["total_exact"]) == (120, False)
    assert set(titles(body)[:30]) == {f"Valve {i}" for i in range(30)}
    few = await find(client, auth, "casting")
    assert (few["total"], few["total_exact"]) == (120, True)


async def test_part_numbers_are_found_by_their_parts_and_in_texts(
    client: Client, auth: Headers, library: Library
) -> None:
    await library.add(
        library.doc("Deep groove ball bearing", code="BRG-6204-2RS"),
        library.doc("Scratched raceway", entity_type="ncr", body="seen on BRG-6204-2RS, lot L-77"),
        library.doc("Needle bearing", code="BRG-6205-ZZ"),
    )
    assert sorted(titles(await find(client, auth, "6204"))) == [
        "Deep groove ball bearing",
        "Scratched raceway",
    ]
    body = await find(client, auth, "BRG-6204-2RS")
    assert titles(body)[0] == "Deep groove ball bearing"
    assert body["items"][0]["code_match"] == "exact"
    assert "Scratched raceway" in titles(body)
    # The digits' words have no typo variants: a code one digit off goes by the code key.
    assert (await library.fetch("SELECT 1 FROM search.word_variants WHERE word = '6204'")) == []


async def test_several_words_match_exactly_when_the_rarest_is_rare_enough(
    client: Client, auth: Headers, library: Library, monkeypatch: Any
) -> None:
    from search.query import engine

    monkeypatch.setattr(engine, "BOUND", 20)
    monkeypatch.setattr(engine, "MIN_PER_TERM", 10)
    monkeypatch.setattr(engine, "EXACT_LIMIT", 100)
    # "alpha" is the rarer word (65 against 105 documents); its best 20 postings are short
    # titles without "beta": only the exact join finds the 5 that have both.
    await library.add(*[library.doc(f"Alpha {i}") for i in range(60)])
    await library.add(*[library.doc("Beta", body=f"item {i}") for i in range(100)])
    both = [
        library.doc(f"Assembly {i} of the line", body="alpha part, with a beta part and more words")
        for i in range(5)
    ]
    await library.add(*both)
    body = await find(client, auth, "alpha beta")
    assert (body["relaxed"], body["total"], body["total_exact"]) == (False, 5, True)
    assert sorted(titles(body)) == sorted(d.title for d in both)
    monkeypatch.setattr(engine, "EXACT_LIMIT", 50)  # too common now: bounded, then relaxed
    assert (await find(client, auth, "alpha beta"))["relaxed"] is True
