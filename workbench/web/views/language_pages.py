"""The language an article is read in: a page to correct it (editors and admins)."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...errors import InvalidInput
from ...review import article_language
from ...text import languages
from ..auth import role_required
from ..database import get_db
from ..interface_locale import translated
from ..loaders import load_article
from ..responses import is_htmx
from .blueprint import bp


@bp.get("/articles/<id:article_id>/language")
@role_required("editor")
def article_language_page(article_id):
    article = load_article(article_id, with_body=False)
    return render_template(
        "articles/language.html", article=article, choices=language_choices(article["language"])
    )


@bp.post("/articles/<id:article_id>/language")
@role_required("editor")
def set_article_language(article_id):
    article = load_article(article_id, with_body=False)
    code = request.form.get("language")
    try:
        changed = article_language.change_language(get_db(), article["id"], code, g.user)
    except InvalidInput as error:
        return (
            render_template(
                "articles/language.html",
                article=article,
                choices=language_choices(article["language"]),
                error=translated(error),
            ),
            422,
        )
    name = _(languages.language(code).name)
    if changed:
        flash(
            _(
                "The article is read as %(language)s now: its detected sources were found again.",
                language=name,
            ),
            "success",
        )
    else:
        flash(
            _("The article was already read as %(language)s; nothing changed.", language=name),
            "info",
        )
    target = url_for("workbench.show_article", article_id=article["id"])
    if is_htmx():
        return "", 204, {"HX-Redirect": target}
    return redirect(target, code=303)


def language_choices(current: str | None) -> list[languages.Language]:
    """The languages to choose from: the known ones, and the article's own if it is not."""
    choices = list(languages.KNOWN.values())
    if current and current not in languages.KNOWN:
        choices.append(languages.language(current))
    return choices
