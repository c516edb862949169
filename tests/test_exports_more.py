"""Exports others can consume: filters, Excel, JSON, ClaimReview JSON-LD, manifests."""

import csv
import datetime
import io
import json
import zipfile

import pytest

from workbench.exports import manifest
from workbench.exports.filenames import slug
from workbench.review import articles

TEXT = "The minister said exports rose 4% in March. Farmers protested in the capital."


@pytest.fixture
def article_id(admin_client, db):
    location = admin_client.post(
        "/articles",
        data={
            "text": TEXT,
            "title": "Exports",
            "url": "https://news.example/exports",
            "publisher": "Example News",
            "published_on": "2026-03-05",
        },
    ).headers["Location"]
    article_id = int(location.rsplit("/", 1)[1])
    first, second = [
        row[0]
        for row in db.execute(
            "select id from claims where article_id = ? order by position", [article_id]
        )
    ]
    admin_client.post(f"/claims/{first}/status", data={"status": "sourced"})
    admin_client.post(f"/claims/{second}/status", data={"status": "disputed"})
    admin_client.post(f"/claims/{first}/notes", data={"body": "Ministry data confirm it."})
    return article_id


def rows_of(response):
    return list(
        csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"), newline=""))
    )


def test_csv_export_applies_the_screen_filters(viewer_client, article_id):
    rows = rows_of(viewer_client.get(f"/articles/{article_id}/export.csv?status=disputed"))
    assert [r["claim"] for r in rows] == ["Farmers protested in the capital."]
    rows = rows_of(viewer_client.get("/export.csv?q=ministry"))
    assert [r["claim"] for r in rows] == ["The minister said exports rose 4% in March."]


def test_excel_csv_starts_with_a_byte_order_mark(viewer_client, article_id):
    body = viewer_client.get("/export.csv?excel=1").get_data()
    assert body.startswith(b'\xef\xbb\xbf"article_id"')
    assert not viewer_client.get("/export.csv").get_data().startswith(b"\xef\xbb\xbf")


def test_json_export_has_claims_sources_flags_notes_evidence_history(viewer_client, article_id):
    document = json.loads(viewer_client.get(f"/articles/{article_id}/export.json").get_data())
    assert document["schema_version"] == 1
    (article,) = document["articles"]
    first = article["claims"][0]
    assert first["attribution"]["kind"] == "anonymous" and "number" in first["flags"]
    assert [n["body"] for n in first["notes"]] == ["Ministry data confirm it."]
    assert [h["action"] for h in first["history"]] == ["status", "note"]
    assert first["evidence"] == []


def test_claimreview_json_ld_has_the_schema_org_fields(viewer_client, article_id):
    response = viewer_client.get("/export.claimreview")
    assert response.headers["Content-Type"] == "application/ld+json; charset=utf-8"
    reviews = json.loads(response.get_data())
    assert [r["reviewRating"]["alternateName"] for r in reviews] == ["Sourced", "Disputed"]
    review = reviews[0]
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "The minister said exports rose 4% in March."
    assert review["url"].startswith("http://localhost/claims/")
    assert review["author"] == {"@type": "Organization", "name": "Claim workbench"}
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 3,
        "worstRating": 1,
        "bestRating": 3,
        "alternateName": "Sourced",
    }
    assert reviews[1]["reviewRating"]["ratingValue"] == 1
    item = review["itemReviewed"]
    assert item["@type"] == "Claim" and item["datePublished"] == "2026-03-05"
    assert item["appearance"]["url"] == "https://news.example/exports"
    assert len(review["datePublished"]) == 10


def test_unverified_claims_are_never_published_as_claimreview(
    viewer_client, admin_client, article_id
):
    admin_client.post("/articles", data={"text": "An unreviewed claim stands here."})
    texts = [
        r["claimReviewed"] for r in json.loads(viewer_client.get("/export.claimreview").get_data())
    ]
    assert "An unreviewed claim stands here." not in texts


def test_bundle_has_the_file_and_a_manifest_that_matches_it(viewer_client, article_id, db):
    response = viewer_client.get(f"/articles/{article_id}/export.csv?bundle=1&status=sourced")
    assert response.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    title = articles.get_article(db, article_id)["title"]
    name = f"{slug(title)}-{datetime.datetime.now(datetime.UTC).date().isoformat()}.csv"
    assert sorted(archive.namelist()) == sorted([name, "manifest.json"])
    data = archive.read(name)
    record = json.loads(archive.read("manifest.json"))
    assert record["rows"] == 1 and record["format"] == "csv" and record["schema_version"] == 1
    assert record["filters"] == {"article": article_id, "status": "sourced"}
    assert record["generated_at"].endswith("Z")
    assert manifest.verify(data, record) == []


@pytest.mark.parametrize("damage", ["truncate", "alter", "drop_row"])
def test_manifest_detects_a_damaged_file(viewer_client, article_id, damage):
    archive = zipfile.ZipFile(io.BytesIO(viewer_client.get("/export.csv?bundle=1").get_data()))
    data = archive.read(f"claims-{datetime.datetime.now(datetime.UTC).date().isoformat()}.csv")
    record = json.loads(archive.read("manifest.json"))
    damaged = {
        "truncate": data[: len(data) // 2],
        "alter": data.replace(b"sourced", b"disputed", 1),
        "drop_row": b"\r\n".join(data.split(b"\r\n")[:-2]) + b"\r\n",
    }[damage]
    problems = manifest.verify(damaged, record)
    assert problems and any("SHA-256" in problem for problem in problems)


def test_json_bundle_counts_claims(viewer_client, article_id):
    archive = zipfile.ZipFile(io.BytesIO(viewer_client.get("/export.json?bundle=1").get_data()))
    record = json.loads(archive.read("manifest.json"))
    name = f"claims-{datetime.datetime.now(datetime.UTC).date().isoformat()}.json"
    assert record["rows"] == 2 and manifest.verify(archive.read(name), record) == []


def test_exports_carry_the_sources_confidence_and_the_articles_language(viewer_client, article_id):
    rows = rows_of(viewer_client.get(f"/articles/{article_id}/export.csv"))
    assert rows[0]["attribution"] == "The minister"
    assert 0.7 <= float(rows[0]["attribution_confidence"]) <= 1
    assert {row["article_language"] for row in rows} == {"en"}
    document = json.loads(viewer_client.get(f"/articles/{article_id}/export.json").get_data())
    (article,) = document["articles"]
    assert article["inLanguage"] == "en"
    assert article["claims"][0]["attribution"]["confidence"] == pytest.approx(
        float(rows[0]["attribution_confidence"]), abs=0.01
    )
    item = json.loads(viewer_client.get("/export.claimreview").get_data())[0]["itemReviewed"]
    assert item["inLanguage"] == "en" and item["appearance"]["inLanguage"] == "en"


def test_claimreview_never_publishes_a_suggested_source(viewer_client, admin_client, db):
    location = admin_client.post(
        "/articles", data={"text": "The dam is safe, Jane Doe said."}
    ).headers["Location"]
    article = int(location.rsplit("/", 1)[1])
    (claim,) = [r[0] for r in db.execute("select id from claims where article_id = ?", [article])]
    admin_client.post(f"/claims/{claim}/status", data={"status": "sourced"})
    (review,) = json.loads(viewer_client.get("/export.claimreview").get_data())
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "Jane Doe"}
    db.execute("update claims set attribution_confidence = 0.3 where id = ?", [claim])
    db.conn.commit()
    (review,) = json.loads(viewer_client.get("/export.claimreview").get_data())
    assert "author" not in review["itemReviewed"]  # a suggestion is never published
    # Confirmed by a reviewer, it is theirs to publish whatever the engine thought.
    db.execute("update claims set attribution_confirmed_by = 'ana' where id = ?", [claim])
    db.conn.commit()
    (review,) = json.loads(viewer_client.get("/export.claimreview").get_data())
    assert review["itemReviewed"]["author"]["name"] == "Jane Doe"
