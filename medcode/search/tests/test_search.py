"""Search over small hand-made releases loaded through the real loader."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from medcode.cli import main
from medcode.importers.tests.test_hcpcs_anweb import GOOD, write_anweb
from medcode.releases.loader import delete_release
from medcode.releases.models import Release
from medcode.search import engine
from medcode.search.engine import SearchError, search
from medcode.search.index import reindex_all
from medcode.search.synonyms import load, synonyms
from medcode.testing import load_file

FIXTURES = Path(__file__).resolve().parents[2] / "importers" / "tests" / "fixtures"
DAY = date(2030, 1, 15)


@pytest.fixture
def store(db: None, tmp_path: Path) -> None:
    for name, fmt in [
        ("icd10cm_order_2030.txt", "icd10cm_order"),
        ("icd10pcs_order_2030.txt", "icd10pcs_order"),
        ("icd10cm_tabular_2030.xml", "icd10cm_tabular"),
        ("pfs_pprrvu_PPRRVU2025_Oct.csv", "pfs_pprrvu"),
    ]:
        assert load_file(FIXTURES / name, fmt).status == "loaded"
    assert load_file(write_anweb(tmp_path, GOOD), "hcpcs_anweb").status == "loaded"


def codes(query: str, **options: Any) -> list[str]:
    return [r.display_code for r in search(query, DAY, **options).results]


def test_a_code_typed_with_or_without_its_dot_comes_first(store: None) -> None:
    assert codes("E11.65")[0] == "E11.65"
    assert codes("e1165")[0] == "E11.65"
    assert codes("g0283")[0] == "G0283"
    assert codes("0016070")[0] == "0016070"


def test_a_fragment_lists_its_family_in_tree_order(store: None) -> None:
    assert codes("E11")[:3] == ["E11", "E11.6", "E11.65"]
    assert codes("S7200")[:2] == ["S72.001", "S72.001A"]


def test_words_match_descriptors_whatever_their_endings(store: None) -> None:
    assert codes("diabetes hyperglycemic")[0] == "E11.65"
    assert "S72.001A" in codes("fractures femur neck")


def test_a_misspelled_word_is_corrected_and_the_correction_reported(store: None) -> None:
    answer = search("hyperglycemai diabetes", DAY)
    assert answer.results[0].display_code == "E11.65"
    assert answer.corrections == {"hyperglycemai": "hyperglycemia"}


def test_the_last_word_is_read_as_the_start_of_a_word(store: None) -> None:
    assert codes("diabetes hypergly")[0] == "E11.65"


def test_an_abbreviation_from_the_synonym_list_finds_the_words_it_stands_for(
    store: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "fx" is in no descriptor: only the synonym entry fx -> fracture can find the femur codes.
    assert "S72.001A" in codes("fx")
    assert "S72.001A" in codes("fx femur")
    # The same search with that one entry left out of the table finds nothing for "fx", so the
    # lines above measure the synonym and not the word "femur".
    table = {term: entry for term, entry in synonyms().items() if term != "fx"}
    monkeypatch.setattr(engine, "synonyms", lambda: table)
    assert "S72.001A" not in codes("fx")


def test_headers_are_not_billable_and_the_filter_leaves_them_out(store: None) -> None:
    results = {r.display_code: r.billable for r in search("E11", DAY).results}
    assert results["E11"] is False and results["E11.65"] is True
    assert codes("E11", billable_only=True) == ["E11.65"]


def test_the_system_filter_keeps_one_code_system(store: None) -> None:
    found = search("test description", DAY, system="CPT").results
    assert found and {r.system for r in found} == {"CPT"}


@pytest.mark.parametrize(
    "query, message",
    [("", "empty query"), ("   ", "empty query"), ("x" * 501, "too long")],
)
def test_a_query_that_cannot_be_searched_says_why(store: None, query: str, message: str) -> None:
    with pytest.raises(SearchError, match=message):
        search(query, DAY)


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE releases_release; --",
        'NEAR("a" "b")',
        "diab*",
        '"',
        "-x",
        "café ñandú",
        "日本語",
    ],
)
def test_hostile_or_foreign_text_never_breaks_search(store: None, query: str) -> None:
    answer = search(query, DAY)
    assert answer.results or answer.message
    assert Release.objects.count() == 5


def test_deleting_a_release_removes_its_codes_from_search(store: None) -> None:
    release = Release.objects.get(dataset="icd10cm")
    delete_release(release)
    assert "E11.65" not in codes("diabetes hyperglycemia")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")


def test_reindexing_rebuilds_the_same_answers(store: None) -> None:
    before = codes("diabetes")
    stats = reindex_all()
    assert stats.releases == 5
    assert codes("diabetes") == before


def test_the_api_answers_with_results_and_rejects_bad_parameters(store: None) -> None:
    client = Client()
    body = client.get("/api/v1/search", {"q": "E11.65", "date": "2030-01-15"}).json()
    first = body["results"][0]
    assert first == {
        "code": "E11.65",
        "system": "ICD-10-CM",
        "description": "Type 2 diabetes mellitus with hyperglycemia",
        "billable": True,
        "score": first["score"],
        "matched": [],  # a code found as a code matched no words
    }
    for params, fragment in [
        ({"q": ""}, "empty"),
        ({"q": "a" * 501}, "too long"),
        ({"q": "knee", "system": "SNOMED"}, "unknown code system"),
        ({"q": "knee", "limit": "0"}, "limit"),
        ({"q": "knee", "limit": "lots"}, "limit"),
        ({"q": "knee", "date": "yesterday"}, "date"),
    ]:
        response = client.get("/api/v1/search", params)
        assert response.status_code == 400, params
        assert response.json()["ok"] is False and fragment in response.json()["error"]
    assert client.get("/api/v1/search", {"q": "'; DROP TABLE x"}).status_code == 200


def test_the_search_page_links_each_result_to_its_code_page(store: None) -> None:
    client = Client()
    html = client.get("/search", {"q": "diabetes", "date": "2030-01-15"}).content.decode()
    assert 'href="/codes/E11.65"' in html
    assert '<label for="system">' in html
    bad = client.get("/search", {"q": "x" * 600})
    assert bad.status_code == 400 and "too long" in bad.content.decode()


def test_suggestions_are_a_short_list_of_links(store: None) -> None:
    html = Client().get("/search/suggest", {"q": "diab", "date": "2030-01-15"}).content.decode()
    assert html.count("<li>") <= 8 and 'href="/codes/E11.65"' in html
    assert Client().get("/search/suggest", {"q": ""}).content.decode().strip() == ""


def test_the_cli_prints_the_api_json(store: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "e1165", "--date", "2030-01-15", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"][0]["code"] == "E11.65"
    assert main(["search", "", "--json"]) == 2
    assert "empty query" in json.loads(capsys.readouterr().out)["error"]


def test_the_synonym_list_is_well_formed_and_long_enough() -> None:
    table = load()
    assert len(table) >= 150
    assert table["lap chole"].codes == ("47562",)
    assert table["toradol"].expand == ("ketorolac",)


def test_a_modifier_result_links_to_the_modifier_page(store: None) -> None:
    html = Client().get("/search", {"q": "GP", "date": "2030-01-15"}).content.decode()
    assert 'href="/modifiers/GP"' in html


def test_control_characters_in_a_query_are_spaces_not_a_database_error() -> None:
    # PostgreSQL refuses a NUL in text: the query "knee<NUL>pain" was a 500 there.
    from medcode.search.engine import SearchError, check_query

    assert check_query("knee\x00pain\tleft")[0] == "knee pain left"
    with pytest.raises(SearchError, match="empty query"):
        check_query("\x00\x01 ")


def test_with_and_without_are_read_as_the_query_means_them() -> None:
    assert engine._with_state(engine._spell_out("MRI brain w/o & w/ contrast")) == "both"
    assert engine._with_state("CT head with and without contrast") == "both"
    assert engine._with_state(engine._spell_out("CT head w/o contrast")) == "without"
    assert engine._with_state("colonoscopy with biopsy") == "with"
    # Each "with" and "without" qualifies its own word here: no preference either way.
    assert engine._with_state("tympanoplasty without mastoidectomy with graft") is None
    # A text that says the opposite loses; one that agrees, or a query that says neither, not.
    assert engine._contradicts("without", "mri without and with contrast") > 0
    assert engine._contradicts("with", "colonoscopy without biopsy") > 0
    assert engine._contradicts("with", "colonoscopy with biopsy") == 0
    assert engine._contradicts(None, "colonoscopy without biopsy") == 0


def test_and_inside_without_and_with_does_not_split_the_query() -> None:
    assert engine._parts("MRI lumbar spine without and with contrast") == []
    assert engine._parts("hip and knee replacement") == ["hip replacement", "knee replacement"]


def test_a_word_two_letters_off_is_corrected_and_vowels_are_the_likelier_slip() -> None:
    vocab = engine.Vocabulary({"hypertension": 50, "diabetes": 10, "diabetic": 40})
    assert vocab.correct("hypertenshun") == "hypertension"
    # Both are one letter away and "diabetic" is commoner; a vowel typed wrong is likelier.
    assert vocab.correct("diabetis") == "diabetes"


def test_procedure_and_condition_words_decide_what_kind_of_code_is_wanted() -> None:
    assert engine._intent("hernia repair") == "procedure"
    assert engine._intent("knee pain") == "diagnosis"
    assert engine._intent("hip fracture surgery") == "procedure"
    assert engine._intent("history of knee surgery") == "diagnosis"
    assert engine._intent("knee") is None


def test_a_hcpcs_title_names_its_item_before_the_first_comma() -> None:
    concepts = [engine.Concept("walker", [["walker"]])]
    assert engine._heads(concepts, "Walker, rigid (pickup), adjustable or fixed height")
    assert not engine._heads(concepts, "Seat attachment, walker")
    pump = [engine.Concept("insulin", [["insulin"]]), engine.Concept("pump", [["pump"]])]
    assert engine._heads(pump, "External ambulatory infusion pump, insulin")
    assert not engine._heads(pump, "Infusion set for external insulin pump, nonneedle cannula")


def _words_concepts(query: str) -> list[engine.Concept]:
    return [engine.Concept(w, [[w]]) for w in query.split()]


def test_each_word_a_text_has_beyond_the_query_counts_against_it() -> None:
    # A word asked twice does not excuse a sibling's other word: the crossover bypass
    # ("subclavian subclavian") beats "carotid subclavian".
    concepts = _words_concepts("subclavian subclavian bypass vein")
    crossover = engine._score(concepts, "subclavian subclavian bypass vein", "")
    carotid = engine._score(concepts, "carotid subclavian bypass vein", "")
    assert crossover > carotid
    # A long synonym phrase accepted as an alternative does not hide the text's extra words.
    lap = [engine.Concept("lap chole", [["laparoscopic", "cholecystectomy", "with", "graft"]])]
    assert engine._score(lap, "laparoscopic cholecystectomy", "") > engine._score(
        lap, "laparoscopic cholecystectomy exploration", ""
    )


def test_a_text_that_denies_a_word_of_the_query_loses() -> None:
    stems = frozenset(engine.stem(w) for w in ["aspirin", "prescribed"])
    assert engine._negates("aspirin not prescribed", stems, {"aspirin", "prescribed"}) > 0
    assert engine._negates("aspirin prescribed", stems, {"aspirin", "prescribed"}) == 0
    rupture = frozenset({engine.stem("rupture")})
    assert engine._negates("endograft for other than rupture", rupture, {"rupture"}) > 0
    # Only the word right after the denial is denied: a non-emergency transport is a transport.
    transport = frozenset({engine.stem("transport")})
    assert engine._negates("ambulance non emergency transport", transport, {"transport"}) == 0
    # A query that denies something itself may want the denying text.
    asked = {"not", "prescribed"}
    assert engine._negates("aspirin not prescribed", stems, asked) == 0


def test_a_text_joining_the_query_words_the_other_way_loses() -> None:
    both = engine._joined("knee arthroscopy medial and lateral meniscectomy")
    assert engine._disjoined(both, "knee arthroscopy medial or lateral meniscectomy") > 0
    assert engine._disjoined(both, "knee arthroscopy medial and lateral meniscectomy") == 0
    either = engine._joined("radius or ulna fracture")
    assert engine._disjoined(either, "radius and ulna shaft fracture") > 0
    assert engine._disjoined(frozenset(), "radius and ulna shaft fracture") == 0


def test_a_text_without_a_word_the_query_asks_for_loses() -> None:
    query = "cervical biopsy without colposcopy"
    stems = frozenset(engine.stem(w) for w in query.split())
    denied = engine._without_words(query)
    state = engine._with_state(query)
    assert engine._lacks("cervical colposcopy without biopsy", stems, denied, state) > 0
    assert engine._lacks("cervical biopsy without colposcopy", stems, denied, state) == 0
    # "with X" already decides against "without X" (see _contradicts): not counted twice.
    biopsy = frozenset({engine.stem("colonoscopy"), engine.stem("biopsy")})
    assert engine._lacks("colonoscopy without biopsy", biopsy, frozenset(), "with") == 0


def test_a_number_the_query_gives_counts_where_a_text_states_a_range_holding_it() -> None:
    assert engine._query_numbers("excision 1.5 cm lesion") == (1.5,)
    assert engine._query_numbers("CABG x3") == ()  # a count in a word is a word (see _COUNTS)
    assert engine._in_range((3.0,), "simple repair 2.6-7.5 cm")
    assert not engine._in_range((8.0,), "simple repair 2.6-7.5 cm")
    assert engine._in_range((42.0,), "Body mass index [BMI] 40.0-44.9, adult")
    assert engine._in_range((20.0,), "Destroy premal lesions 15/>")
    assert engine._in_range((20.0,), "destruction of 15 or more lesions")
    assert not engine._in_range((10.0,), "destruction of 15 or more lesions")
    assert engine._in_range((250.0,), "uterus 250 g or less")
    assert not engine._in_range((300.0,), "uterus 250 g or less")
    assert engine._in_range((24.0,), "recording up to 48 hours")
    assert engine._in_range((97.0,), "ventilation greater than 96 consecutive hours")
    assert not engine._in_range((96.0,), "ventilation greater than 96 consecutive hours")
    # A number written without a range is matched as a word, not here.
    assert not engine._in_range((45.0,), "psychotherapy 45 minutes")


def test_a_dose_counts_where_a_drug_code_is_billed_in_whole_units_of_it() -> None:
    assert engine._query_doses("Rocephin 1 gram") == (("mass", 1000.0),)
    assert engine._dose_fits((("mass", 4.0),), "Injection, ondansetron hydrochloride, per 1 mg")
    assert engine._dose_fits((("mass", 1000.0),), "Injection, ceftriaxone sodium, per 250 mg")
    assert not engine._dose_fits((("mass", 300.0),), "Injection, ceftriaxone sodium, per 250 mg")
    assert not engine._dose_fits((("unit", 4.0),), "Injection, ondansetron hydrochloride, per 1 mg")


def test_what_a_query_asks_to_be_absent_is_read_up_to_the_next_clause() -> None:
    stems = engine._absent
    assert stems("tonsillectomy without adenoids") == {engine.stem("adenoids")}
    assert stems("hysterectomy without removal of ovaries") == {
        engine.stem("removal"),
        engine.stem("ovaries"),
    }
    assert stems("concussion no LOC, initial") == {engine.stem("loc")}  # not "initial"
    assert stems("CT head without contrast") == frozenset()  # the with/without state's job
    assert stems("cystoscopy without and with biopsy") == frozenset()
    # A word asked for before "without" stays asked for; a count after it is asked for too.
    assert stems("carotid body excision without carotid resection") == {engine.stem("resection")}
    assert stems("caregiver training without the patient first 30 minutes") == {
        engine.stem("patient")
    }
    adenoids = engine.Concept("adenoids", [["adenoids"]])
    # A text that says the thing is absent does not name it; one that has it does.
    assert not engine._positively(adenoids, ["tonsillectomy", "without", "adenoids"])
    assert engine._positively(adenoids, ["removal", "of", "tonsils", "and", "adenoids"])
    doppler = engine.Concept("doppler", [["doppler"]])
    assert not engine._positively(doppler, ["tte", "w", "o", "doppler", "complete"])  # CMS's w/o


def test_a_text_without_what_the_query_asks_to_be_absent_covers_it() -> None:
    query = "tonsillectomy without adenoids"
    concepts = _words_concepts(query)
    absent = frozenset(c.label for c in concepts if engine._denied(c, engine._absent(query)))
    alone = engine._score(concepts, "tonsillectomy alone", "", absent=absent)
    both = engine._score(concepts, "tonsillectomy and adenoids", "", absent=absent)
    named = engine._score(
        concepts, "tonsillectomy alone", "", absent=absent, named=frozenset({"adenoids"})
    )
    assert alone > both
    assert alone > named  # another text of the code names what was to be absent


def test_short_plurals_share_a_stem_with_their_singular() -> None:
    assert engine.stem("rays") == engine.stem("ray")
    assert engine.stem("ribs") == engine.stem("rib")
    assert engine.stem("knees") == engine.stem("knee")
    assert engine.stem("mass") == "mass" and engine.stem("axis") == "axis"


def test_not_specified_as_denies_the_word_after_it() -> None:
    recurrent = frozenset({engine.stem("recurrent")})
    title = "enterocolitis due to clostridium difficile not specified as recurrent"
    assert engine._negates(title, recurrent, {"recurrent"}) > 0
    assert engine._negates("enterocolitis recurrent", recurrent, {"recurrent"}) == 0


def test_a_term_in_both_the_synonym_list_and_the_brands_is_refused(tmp_path: Path) -> None:
    from medcode.search.synonyms import SynonymError

    clinical = tmp_path / "synonyms.toml"
    brands = tmp_path / "brands.toml"
    clinical.write_text('[[entry]]\nterms = ["toradol"]\nmeans = ["ketorolac"]\n')
    brands.write_text('[[entry]]\nterms = ["Toradol"]\nmeans = ["ketorolac tromethamine"]\n')

    assert set(load(clinical)) == {"toradol"}
    with pytest.raises(SynonymError, match=r"brands\.toml, entry 1: 'Toradol' is already an entry"):
        load(clinical, brands)


def test_every_search_content_file_has_a_second_pass_whose_verdicts_add_up() -> None:
    import tomllib

    from medcode.search.synonyms import BRANDS_FILE

    records = tomllib.loads(BRANDS_FILE.with_name("reviews.toml").read_text())["review"]
    passes: dict[tuple[str, str], set[int]] = {}
    for record in records:
        passes.setdefault((record["file"], record["section"]), set()).add(record["pass"])
        if record["pass"] == 2:
            assert record["ok"] + record["fixed"] + record["dropped"] == record["entries"]
        assert str(record["fixes"]).strip()

    assert {file for file, _ in passes} >= {"brands.toml", "synonyms.toml", "pcs_words.toml"}
    assert all(found == {1, 2} for found in passes.values())


def test_a_number_too_large_for_a_float_is_no_range_and_no_dose() -> None:
    huge = "9" * 400
    assert engine._query_numbers(f"excision {huge} cm") == ()
    assert engine._query_doses(f"ceftriaxone {huge} mg") == ()
    assert not engine._dose_fits((("mass", 4.0),), f"Injection, drug, per {huge} mg")
    assert not engine._dose_fits((("mass", 4.0),), "Injection, drug, per 0 mg")


def test_hostile_numbers_in_a_query_are_searched_not_a_crash(store: None) -> None:
    for query in ("ceftriaxone " + "9" * 400 + " mg", "repair 1e400 cm", "x 0 mg per 0 mg"):
        assert isinstance(codes(query), list)
