"""Live article pages: a server-sent event stream of changes by others (htmx's SSE
extension swaps each changed row in), and presence heartbeats.

The stream's view checks who asks for which article, like any page, then hands the open
connection to the server's event loop (web/live_streams.py), which holds it without a
thread until the page leaves, its session ends or STREAM_SECONDS pass; the browser then
reconnects with Last-Event-ID and misses nothing, because the events are the history rows
after that id. Past a limit (STREAMS_PER_USER of one account, STREAM_SLOTS in all, per
process) the page is told why at once and retries later.
"""

import functools

from flask import (
    Response,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from ...desk import presence
from ..auth import SESSION_COOKIE
from ..database import get_db
from ..forms import positive_int, single_form_value
from ..interface_locale import interface_locale
from ..loaders import load_article
from ..responses import is_htmx
from ..threaded_wsgi import HAND_OVER
from . import live_streams
from .blueprint import bp
from .live_drawing import sse

STREAM_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


@bp.get("/articles/<id:article_id>/events")
def article_events(article_id):
    """Changes to the article by others, from the history row after Last-Event-ID (or
    ?after=, the newest id when the page was drawn)."""
    article = load_article(article_id, with_body=False)
    resume = request.headers.get("Last-Event-ID") or request.args.get("after") or "0"
    after = 0 if resume == "0" else positive_int(resume)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    refusal = live_streams.limits_for(app).refusal(g.user.username)
    if refusal is not None:
        notice = render_template("desk/_live_off.html", reason=refusal, logged_out=False)
        body = live_streams.busy_answer(refusal, notice)
        return Response(body, mimetype="text/event-stream", headers=STREAM_HEADERS)
    farewell = render_template(
        "desk/_live_off.html",
        logged_out=True,
        login_url=url_for(
            "auth.login", next=url_for("workbench.show_article", article_id=article_id)
        ),
    )
    order = live_streams.StreamOrder(
        article_id=article["id"],
        after=after or 0,
        user=g.user,
        token=request.cookies.get(SESSION_COOKIE, ""),
        farewell=sse("notice", farewell),
        seconds=current_app.config["STREAM_SECONDS"],
        locale=interface_locale(),
    )
    hand_over = request.environ.get(HAND_OVER)
    if hand_over is not None:
        hand_over(functools.partial(live_streams.serve, app, order))
        return Response("", mimetype="text/event-stream", headers=STREAM_HEADERS)
    return Response(
        live_streams.run_here(app, order), mimetype="text/event-stream", headers=STREAM_HEADERS
    )


@bp.post("/articles/<id:article_id>/presence")
def presence_heartbeat(article_id):
    """The page says its reader is still on the article (and on which claim)."""
    article = load_article(article_id, with_body=False)
    claim = single_form_value("claim")
    claim_id = positive_int(claim) if claim else None
    presence.heartbeat(get_db(), article["id"], g.user, claim_id)
    if is_htmx():
        return make_response("", 204)
    return redirect(url_for("workbench.show_article", article_id=article["id"]), code=303)
