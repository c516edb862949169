"""The scripts' words, the keyboard shortcuts and right-to-left pages, through the Flask
test client: every page carries the words static/*.js shows, in the reader's language
(<body data-interface-words>); the shortcuts dialog is Spanish for a Spanish browser; a
language with no catalogue yet may be tried (WORKBENCH_INTERFACE_TRIAL_LOCALES) and
mirrors the page (dir="rtl")."""

import html
import json
import re

from support import import_by_form
from workbench.interface_languages import TRANSLATIONS_DIR
from workbench.web import interface_words

SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}
ARABIC = {"Accept-Language": "ar"}
STORY = "The port reopened on Friday. Ships queued for hours. Officials blamed the fog."
STATIC = TRANSLATIONS_DIR.parent.parent / "static"


def page_words(response):
    """The table of words a page gives its scripts."""
    page = response.get_data(as_text=True)
    found = re.search(r"<body data-interface-words='([^']*)'>", page)
    assert found, "the page carries no words for its scripts"
    return json.loads(html.unescape(found.group(1)))


def test_a_spanish_page_gives_its_scripts_spanish_words(admin_client):
    article = import_by_form(admin_client, STORY, title="Puerto")
    spanish = page_words(admin_client.get(f"/articles/{article}", headers=SPANISH))
    assert spanish["statusSet"] == "Afirmación %(position)s: %(status)s"
    assert spanish["status"] == {
        "sourced": "con fuente",
        "disputed": "disputada",
        "unverified": "sin verificar",
    }
    assert spanish["bulkTicked"] == {
        "one": "%(num)d afirmación marcada",
        "other": "%(num)d afirmaciones marcadas",
    }
    assert spanish["passkeyCancelled"] == "La solicitud de llave de acceso se canceló o caducó."
    english = page_words(admin_client.get(f"/articles/{article}"))
    assert english["statusSet"] == "Claim %(position)s set to %(status)s"
    assert english["bulkVerbMatching"] == {
        "one": "Set all %(num)d claim to",
        "other": "Set all %(num)d claims to",
    }


def test_the_login_page_gives_the_passkey_words_too(client):
    words = page_words(client.get("/login", headers=SPANISH))
    assert words["serverAnswered"] == "El servidor respondió %(status)s."


def test_the_words_survive_a_quote_in_a_translation(app, admin_client, monkeypatch):
    """JSON in a single-quoted attribute: an apostrophe must not end the attribute."""
    monkeypatch.setitem(interface_words.STATUS_WORDS, "sourced", 'it\'s <b>sourced</b> & "quoted"')
    words = page_words(admin_client.get("/"))
    assert words["status"]["sourced"] == 'it\'s <b>sourced</b> & "quoted"'


def test_every_word_a_script_asks_for_is_on_the_page(client):
    words = page_words(client.get("/login"))
    asked = set()
    for script in STATIC.glob("*.js"):
        source = script.read_text(encoding="utf-8")
        asked |= set(re.findall(r'Words\.(?:say|named)\("(\w+)"', source))
        # Keys made from a word: bulk${which} with which = Ticked or Matching.
        for prefix in re.findall(r"Words\.say\(count \? `(\w+)\$\{which\}`", source):
            asked |= {f"{prefix}Ticked", f"{prefix}Matching"}
    assert {"statusSet", "status", "bulkTicked", "bulkVerbMatching", "close"} <= asked
    assert asked - set(words) == set()


def test_the_keyboard_shortcuts_are_spanish_for_a_spanish_reader(reviewer_client):
    spanish = reviewer_client.get("/help/keys", headers=SPANISH).get_data(as_text=True)
    assert "Atajos de teclado" in spanish and "Keyboard shortcuts" not in spanish
    assert "<kbd>Intro</kbd>" in spanish and ">Cerrar</button>" in spanish
    english = reviewer_client.get("/help/keys").get_data(as_text=True)
    assert "Keyboard shortcuts" in english and "<kbd>Enter</kbd>" in english


def test_a_trial_language_mirrors_the_page_with_english_words(app, client):
    untried = client.get("/login", headers=ARABIC).get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in untried
    app.config["INTERFACE_TRIAL_LOCALES"] = ("ar",)
    tried = client.get("/login", headers=ARABIC).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in tried
    assert "Skip to content" in tried
    # A language with a catalogue still wins when the browser prefers it.
    spanish = client.get("/login", headers={"Accept-Language": "es, ar;q=0.5"})
    assert '<html lang="es" dir="ltr">' in spanish.get_data(as_text=True)


def test_article_text_and_claims_keep_their_own_direction(admin_client):
    article = import_by_form(
        admin_client,
        "قالت وزارة النقل إن الجسر الجديد سيفتح في شهر مارس المقبل. "
        "لكن سكان الحي يقولون إن الطريق يغرق كل شتاء.",
        title="جسر",
        language="ar",
    )
    page = admin_client.get(f"/articles/{article}").get_data(as_text=True)
    assert re.search(r'<section class="review__text"[^>]* dir="rtl"', page)
    assert page.count('class="claim__text" dir="auto"') == 2
    text = admin_client.get(f"/articles/{article}/text").get_data(as_text=True)
    assert '<article class="fulltext" id="fulltext" dir="rtl">' in text
