"""Pages and partials are sent gzipped to browsers that accept it; downloads are not."""

import gzip

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_a_page_is_gzipped_when_the_browser_accepts_it(reviewer_client, sample_text, admin_client):
    admin_client.post("/articles", data={"text": sample_text})
    plain = reviewer_client.get("/articles/1")
    packed = reviewer_client.get("/articles/1", headers=GZIP)
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert len(packed.get_data()) < len(plain.get_data()) / 3


def test_small_answers_and_streamed_exports_are_not_compressed(reviewer_client):
    assert "Content-Encoding" not in reviewer_client.get("/favicon.ico", headers=GZIP).headers
    export = reviewer_client.get("/export.csv", headers=GZIP)
    assert export.status_code == 200 and "Content-Encoding" not in export.headers
