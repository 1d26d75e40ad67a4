"""CSV upload: ``POST /api/datasets`` happy paths, the import report, and every kind of bad file."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datasets_live import LiveStudio, shared_studio
from studio.datasets.csv_import import CsvError, CsvOptions, import_csv, parse_options

MAX_UPLOAD = 100_000
IRIS_LIKE = """sepal_length,sepal_width,colour,species
5.1,3.5,red,setosa
4.9,3.0,blue,setosa
7.0,3.2,red,versicolor
6.4,,green,versicolor
6.3,3.3,,virginica
5.8,2.7,blue,virginica
"""


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> LiveStudio:
    yield from shared_studio(tmp_path_factory.mktemp("datasets_csv"), max_upload_bytes=MAX_UPLOAD)


def upload(live, text: str | bytes, filename: str = "data.csv", **options):
    data = text.encode() if isinstance(text, str) else text
    return live.post("/api/datasets", files={"file": (filename, data, "text/csv")},
                     data={k: str(v) for k, v in options.items()})


def upload_raw(live, text: str | bytes, content_type: str = "text/csv", **params):
    data = text.encode() if isinstance(text, str) else text
    return live.post("/api/datasets", data=data, headers={"Content-Type": content_type}, params=params)


def created(response) -> dict:
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["Location"] == f"/api/datasets/{body['id']}"
    return body


def error(response, status: int = 400) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) <= {"error", "details"} and body["error"]
    assert "Traceback" not in body["error"]
    return body


# --- happy paths -----------------------------------------------------------------------------------


def test_header_categorical_and_missing_values_imputed(live):
    d = created(upload(live, IRIS_LIKE, filename="flowers.csv"))
    assert d["name"] == "flowers" and d["source"] == "upload" and d["kind"] == "table"
    assert d["id"].isalnum() and d["id"] != "flowers"  # from the store, never from the file name
    assert d["task"] == "classification" and d["class_names"] == ["setosa", "versicolor", "virginica"]
    assert d["num_classes"] == 3 and d["size"] == 6 and d["validation_split"] == 0.2
    assert d["feature_names"] == ["sepal_length", "sepal_width", "colour=blue", "colour=green", "colour=red"]
    assert d["input_shape"] == [5]
    colour = next(f for f in d["features"] if f["name"] == "colour")
    assert colour["type"] == "categorical" and colour["categories"] == ["blue", "green", "red"]
    report = d["report"]
    assert report["header"] is True and report["rows"] == 6 and report["columns"] == 4
    assert report["types"] == {"sepal_length": "numeric", "sepal_width": "numeric", "colour": "categorical",
                               "species": "label"}
    missing = {m["column"]: m for m in report["missing"]}
    assert missing["sepal_width"]["count"] == 1 and missing["sepal_width"]["lines"] == [5]
    assert "mean" in missing["sepal_width"]["action"] and "most frequent" in missing["colour"]["action"]

    # It is listed, described, previewed as uploaded, and loads through the registry.
    assert d["id"] in [x["id"] for x in live.get("/api/datasets").json()]
    assert live.get(f"/api/datasets/{d['id']}").json() == d
    p = live.get(f"/api/datasets/{d['id']}/preview").json()
    assert p["columns"] == ["sepal_length", "sepal_width", "colour", "species"]
    assert p["rows"][3] == ["6.4", None, "green", "versicolor"] and p["label_column"] == "species"
    x, y, info = live.services.datasets.load(d["id"], {"shuffle": False})
    assert x.dtype == np.float32 and x.shape == (6, 5) and y.dtype == np.int32
    assert y.tolist() == [0, 0, 1, 1, 2, 2] and info["options_used"] == {"shuffle": False, "seed": 0}
    mean_width = np.mean([3.5, 3.0, 3.2, 3.3, 2.7])
    np.testing.assert_allclose(x[3], [6.4, mean_width, 0, 1, 0], rtol=1e-6)
    np.testing.assert_allclose(x[4], [6.3, 3.3, 0, 0, 1], rtol=1e-6)  # missing colour -> most frequent (red)
    xs, ys, _ = live.services.datasets.load(d["id"])  # shuffled by default, same rows
    table = lambda a, b: sorted(map(tuple, np.column_stack([a, b]).tolist()))  # noqa: E731
    assert table(xs, ys) == table(x, y)


def test_no_header_numeric_integer_labels(live):
    rows = [f"{i * 0.5},{i % 3},{i % 2}" for i in range(40)]
    d = created(upload_raw(live, "\n".join(rows) + "\n", name="parity"))
    assert d["name"] == "parity" and d["report"]["header"] is False
    assert d["report"]["header_detection"] == "the first row is numbers"
    assert d["feature_names"] == ["column_1", "column_2"] and d["label"]["column"] == "column_3"
    assert d["task"] == "classification" and d["class_names"] == ["0", "1"]
    x, y, _ = live.services.datasets.load(d["id"], {"shuffle": False})
    assert x.shape == (40, 2) and y.tolist() == [i % 2 for i in range(40)]


@pytest.mark.parametrize("label,expected", [("a", "a"), ("0", "a"), ("-1", "target"), ("1", "b")])
def test_label_column_by_name_or_index(live, label, expected):
    text = "a,b,target\n" + "".join(f"{i % 4},{i * 1.5},{i % 2}\n" for i in range(12))
    d = created(upload(live, text, label=label))
    assert d["label"]["column"] == expected == d["label_name"]
    assert expected not in d["feature_names"] and len(d["feature_names"]) == 2


def test_regression_explicit_and_auto(live):
    text = "x1,x2,price\n" + "".join(f"{i},{i % 5},{i * 2.25 + 0.1}\n" for i in range(30))
    auto = created(upload(live, text))
    assert auto["task"] == "regression" and auto["num_classes"] is None and auto["class_names"] is None
    assert "fractional" in auto["report"]["label"]["task_detection"]
    x, y, _ = live.services.datasets.load(auto["id"], {"shuffle": False})
    assert y.dtype == np.float32 and y[3] == pytest.approx(6.85)
    # Whole-number labels would be classes under task=auto; task=regression keeps them numeric.
    ints = "x,y\n" + "".join(f"{i},{i % 3}\n" for i in range(12))
    assert created(upload(live, ints))["task"] == "classification"
    forced = created(upload(live, ints, task="regression", validation_split=0.25))
    assert forced["task"] == "regression" and forced["validation_split"] == 0.25
    p = live.get(f"/api/datasets/{forced['id']}/preview").json()
    assert p["target_range"] == [0.0, 2.0]


@pytest.mark.parametrize("delimiter,option", [(";", None), ("\t", None), ("|", None), (";", ";"), ("\t", "tab")])
def test_delimiters_and_quoted_fields(live, delimiter, option):
    rows = [["name", "size", "kind"], ['"Smith, J."', "1.5", "a"], ["Doe", "2.5", "b"], ['"Lee; K."', "3", "a"],
            ["Roe", "4", "b"]]
    text = "\n".join(delimiter.join(r) for r in rows) + "\n"
    d = created(upload(live, text, **({"delimiter": option} if option else {})))
    assert d["report"]["delimiter"] == ("tab" if delimiter == "\t" else delimiter)
    assert d["report"]["types"]["name"] == "categorical" and d["class_names"] == ["a", "b"]
    assert "name=Smith, J." in d["feature_names"]


def test_header_options_override_detection(live):
    text = "1,2,0\n3,4,1\n5,6,0\n"
    d = created(upload(live, text, header="true"))
    assert d["report"]["header"] is True and d["size"] == 2 and d["feature_names"] == ["1", "2"]
    d = created(upload(live, "a,b,c\nx,y,p\nz,w,q\n", header="false"))
    assert d["report"]["header"] is False and d["size"] == 3


def test_text_only_file_header_by_sniffer_and_duplicate_names(live):
    text = "colour,colour,label\n" + "".join(f"{c},{s},{l}\n" for c, s, l in
                                                 [("red", "small", "yes"), ("blue", "big", "no"),
                                                  ("red", "big", "yes"), ("green", "small", "no")])
    d = created(upload(live, text))
    assert d["report"]["header"] is True
    assert d["features"][1]["name"] == "colour_2" and d["report"]["notes"]


def test_missing_policies_drop_and_reject_and_missing_labels(live):
    text = "a,b,y\n1,2,0\nNA,3,1\n4,?,0\n5,6,\n7,8,1\n9,10,0\n"
    imputed = created(upload(live, text))
    assert imputed["size"] == 5 and imputed["report"]["dropped_rows"]["missing_label"] == 1
    actions = {m["column"]: m["action"] for m in imputed["report"]["missing"]}
    assert actions["y"].startswith("rows dropped") and actions["a"].startswith("imputed")
    dropped = created(upload(live, text, missing="drop"))
    assert dropped["size"] == 3 and dropped["report"]["dropped_rows"] == {"missing_label": 1, "missing_feature": 2}
    body = error(upload(live, text, missing="reject"))
    assert "'a'" in body["error"] and "line 3" in body["error"]
    assert {m["column"] for m in body["details"]["missing"]} == {"a", "b", "y"}


def test_id_like_text_column_is_dropped_and_reported(live):
    text = "name,x,y\n" + "".join(f"person{i},{i},{i % 2}\n" for i in range(80))
    d = created(upload(live, text))
    assert d["feature_names"] == ["x"]
    assert d["report"]["dropped_columns"][0]["column"] == "name" and d["report"]["types"]["name"] == "dropped"


def test_query_options_with_a_raw_body_and_crlf_bom(live):
    text = "\ufeffsize,label\r\n1,small\r\n\r\n5,big\r\n2,small\r\n6,big\r\n"
    d = created(upload_raw(live, text.encode("utf-8"), name="Sizes", validation_split="0.5"))
    assert d["name"] == "Sizes" and d["validation_split"] == 0.5 and d["feature_names"] == ["size"]
    assert d["report"]["blank_rows_skipped"] == 1 and d["class_names"] == ["big", "small"]


def test_blank_or_odd_names_fall_back_or_are_cleaned(live):
    assert created(upload(live, IRIS_LIKE, filename="x/y/My Data.CSV", name="  "))["name"] == "My Data"
    assert created(upload(live, IRIS_LIKE, name="a\tb\x00 c"))["name"] == "a b c"
    assert created(upload_raw(live, IRIS_LIKE))["name"] == "Uploaded CSV"


def test_a_bigger_upload_and_training_shapes(live):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 3)).round(4)
    labels = np.where(x[:, 0] + x[:, 1] > 0, "pos", "neg")
    text = "f1,f2,f3,cls\n" + "".join(f"{a},{b},{c},{l}\n" for (a, b, c), l in zip(x, labels))
    assert len(text) < MAX_UPLOAD
    d = created(upload(live, text))
    xs, ys, info = live.services.datasets.load(d["id"], {"shuffle": False})
    assert xs.shape == (2000, 3) and info["input_shape"] == [3] and info["num_classes"] == 2
    np.testing.assert_allclose(xs, x, rtol=1e-6)
    assert ys.tolist() == (labels == "pos").astype(int).tolist()
    assert live.get(f"/api/datasets/{d['id']}/preview").json()["shown"] == 100


def test_delete_upload_removes_files(live):
    d = created(upload(live, IRIS_LIKE))
    folder = live.services.store.artifact_dir("datasets", d["id"])
    assert (folder / "data.npz").is_file() and (folder / "preview.json").is_file()
    assert live.delete(f"/api/datasets/{d['id']}").status_code == 204
    assert not folder.exists()
    error(live.get(f"/api/datasets/{d['id']}"), 404)
    error(live.delete(f"/api/datasets/{d['id']}"), 404)


def test_delete_refused_while_a_live_run_uses_it(live):
    d = created(upload(live, IRIS_LIKE))
    store = live.services.store
    run = store.create_run(model={"class_name": "Sequential", "config": {}}, dataset={"id": d["id"]}, config={},
                           status="paused")
    try:
        body = error(live.delete(f"/api/datasets/{d['id']}"), 409)
        assert run["id"] in body["error"]
    finally:
        store.update_run(run["id"], status="stopped")
    assert live.delete(f"/api/datasets/{d['id']}").status_code == 204


def test_uploads_survive_a_restart(studio_factory):
    studio = studio_factory()
    d = created(upload(studio, IRIS_LIKE))
    studio.restart()
    assert studio.get(f"/api/datasets/{d['id']}").json() == d
    x, _, _ = studio.services.datasets.load(d["id"])
    assert x.shape == (6, 5)


# --- bad files -----------------------------------------------------------------------------------


def test_text_in_a_numeric_column_names_column_line_and_value(live):
    text = "height,weight,label\n" + "".join(f"{150 + i},{50 + i},{i % 2}\n" for i in range(10))
    text = text.replace("155,55", "155,abc")
    body = error(upload(live, text))
    assert "'weight'" in body["error"] and "line 7" in body["error"] and "'abc'" in body["error"]
    assert body["details"]["column"] == "weight" and body["details"]["line"] == 7
    assert body["details"]["value"] == "abc"


def test_oversized_uploads_are_413(live):
    big = "a,b\n" + "1.2345,0\n" * (MAX_UPLOAD // 9 + 10)
    for response in (upload(live, big), upload_raw(live, big)):
        body = error(response, 413)
        assert "too large" in body["error"] and body["details"]["max_upload_bytes"] == MAX_UPLOAD
    # Far beyond the limit: refused from the Content-Length, before the body is read.
    error(upload_raw(live, big * 20), 413)


@pytest.mark.parametrize("content,message", [
    (b"", "empty"),
    (b"  \n\n \r\n", "empty"),
    (b"a,b,c\n", "0 data rows"),
    (b"a,b\n1,2\n", "1 data row"),
    (b"value\n1\n2\n3\n", "single column"),
    (b"a,b,c\n1,2,3\n4,5\n6,7,8\n", "line 3 has 2 fields but the header has 3"),
    (b"1,2,3\n4,5,6,7\n", "line 2 has 4 fields but the first row has 3"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    (bytes(range(1, 32)) * 50, "binary"),
    ("name,score\nJosé,1\nZoë,2\n".encode("latin-1"), "not UTF-8"),
    (("c" + ",c".join(map(str, range(1001))) + "\n").encode(), "at most 1000"),
    (b"a,b\n1,1e39\n2,3\n", "out of range"),
    (b"a,label\n1,x\n2,x\n3,x\n", "single class"),
    (b'a,b\n1,"unterminated\n2,3\n', "1 data row"),
])
def test_bad_files_are_400_with_a_clear_message(live, content, message):
    body = error(upload(live, content))
    assert message in body["error"]


def test_non_utf8_names_the_offset(live):
    body = error(upload(live, "a,b\n1,2\n3,\xe9\n".encode("latin-1")))
    assert body["details"] == {"offset": 10, "line": 3}


@pytest.mark.parametrize("options,message", [
    ({"label": "nope"}, "label column 'nope' not found"),
    ({"label": "7"}, "out of range"),
    ({"task": "clustering"}, "'task' must be one of"),
    ({"validation_split": "1.5"}, "'validation_split'"),
    ({"validation_split": "nan"}, "'validation_split'"),
    ({"header": "maybe"}, "'header'"),
    ({"missing": "ignore"}, "'missing'"),
    ({"delimiter": "x"}, "'delimiter'"),
    ({"name": "x" * 101}, "'name'"),
    ({"labels": "a"}, "unknown upload option 'labels'"),
    ({"task": "regression", "label": "species"}, "regression needs numbers"),
])
def test_bad_options_are_400_naming_the_option(live, options, message):
    body = error(upload(live, IRIS_LIKE, **options))
    assert message in body["error"]


def test_malformed_requests(live):
    # A multipart body without the file field, or broken, or with no boundary.
    error(live.post("/api/datasets", data={"name": "x"}), 415)  # form-urlencoded: not a CSV
    body = error(live.post("/api/datasets", files={"data": ("a.csv", b"a,b\n1,2\n3,4\n")}))
    assert "'file'" in body["error"] and body["details"]["fields"] == ["data"]
    for content_type in ("multipart/form-data; boundary=xyz", "multipart/form-data"):
        body = error(upload_raw(live, b"--xyz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nab",
                                content_type))
        assert "'file'" in body["error"]
    body = error(upload_raw(live, json.dumps({"csv": "a,b"}), "application/json"), 415)
    assert "multipart/form-data" in body["error"]
    error(live.post("/api/datasets"), 415)
    error(live.put("/api/datasets") if hasattr(live, "put") else live.request("PUT", "/api/datasets"), 405)


# --- the importer itself -------------------------------------------------------------------------


def _import(text: str, **options) -> tuple:
    result = import_csv(text.encode(), parse_options({k: str(v) for k, v in options.items()}))
    return result.x, result.y, result.descriptor, result.report


def test_header_detection_rules():
    _, _, d, r = _import("x,y\n1,0\n2,1\n")
    assert r["header"] and d["feature_names"] == ["x"]
    _, _, d, r = _import("1,0\n2,1\n3,0\n")
    assert not r["header"] and d["size"] == 3
    # A numeric-looking header over numeric columns cannot be told apart: it is data.
    _, _, d, r = _import("2019,2020\n1,0\n2,1\n")
    assert not r["header"] and d["size"] == 3
    # One text column name over numbers is enough.
    _, _, _, r = _import("year,label\n1,a\n2,b\n")
    assert r["header"] and r["header_detection"].startswith("a column is numeric")
    # All text: header names that never recur below, over columns whose values do.
    _, _, _, r = _import("size,label\nbig,a\nsmall,b\nbig,a\n")
    assert r["header"] and r["header_detection"].startswith("no first-row value recurs")


def test_numeric_tokens_and_missing_markers():
    x, y, d, r = _import("a,b,c\n1e3,-.5,+2\nnan,N/A,null\n3.,4,1\n2,5,1\n")
    assert r["types"] == {"a": "numeric", "b": "numeric", "c": "label"}
    np.testing.assert_allclose(x[0], [1000, -0.5])
    assert d["class_names"] == ["1", "2"] and r["dropped_rows"]["missing_label"] == 1
    # "inf", "1_000" and "0x10" are not numbers here: a mostly-numeric column with them is an error.
    for token in ("inf", "1_000", "0x10"):
        with pytest.raises(CsvError, match=repr(token)):
            _import(f"a,b\n1,0\n2,1\n3,0\n{token},1\n5,0\n")


def test_quoted_line_breaks_are_text_not_two_numbers():
    with pytest.raises(CsvError, match="numeric but line 4"):
        _import('a,b\n1,0\n2,1\n"3\n4",0\n5,1\n6,0\n')
    x, _, d, r = _import('a,b\n"1\n2",0\n"x\ny",1\n')
    assert r["types"]["a"] == "categorical" and d["features"][0]["categories"] == ["1\n2", "x\ny"]


def test_class_names_sort_numerically_and_options_dataclass():
    _, y, d, _ = _import("f,label\n1,10\n2,9\n3,10\n4,2\n")
    assert d["class_names"] == ["2", "9", "10"] and y.tolist() == [2, 1, 2, 0]
    assert parse_options({}) == CsvOptions()
    assert parse_options({"task": " Regression ", "validation_split": "0"}).task == "regression"


def test_import_is_pure_and_json_ready():
    result = import_csv(IRIS_LIKE.encode(), CsvOptions())
    json.dumps(result.descriptor, allow_nan=False)
    json.dumps(result.report, allow_nan=False)
    json.dumps(result.preview, allow_nan=False)
    buf = io.BytesIO()
    np.savez(buf, x=result.x, y=result.y)
    buf.seek(0)
    with np.load(buf, allow_pickle=False) as arrays:
        np.testing.assert_array_equal(arrays["x"], result.x)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(st.binary(max_size=300),
                      st.text(alphabet=',;|\t\n\r"1234.5e-+ aBxNA?', max_size=300).map(str.encode)),
       header=st.sampled_from(["auto", "true", "false"]), missing=st.sampled_from(["impute", "drop", "reject"]),
       task=st.sampled_from(["auto", "classification", "regression"]))
def test_any_bytes_give_a_dataset_or_a_csv_error(data, header, missing, task):
    try:
        result = import_csv(data, CsvOptions(header=header, missing=missing, task=task))
    except CsvError as exc:
        assert exc.message
        json.dumps(exc.details, allow_nan=False)
        return
    assert result.x.dtype == np.float32 and result.x.ndim == 2 and len(result.x) == len(result.y) >= 2
    assert np.isfinite(result.x).all()
    json.dumps([result.descriptor, result.report, result.preview], allow_nan=False)
