// The review page on top of a page that works without JavaScript:
// - the article text and the claim list stay in step: selecting a claim shows its
//   passage, clicking a passage selects its claim (plain #anchors without JavaScript);
// - a row's panel (notes, evidence, history, corrections) opens and closes in place;
// - ticked rows: a count on the bulk bar, shift-click ticks a range;
// - live updates: the selected claim is sent with the presence heartbeat (and the page
//   says when it closes), a row replaced by another reader's change keeps the keyboard
//   focus, and a row that shows a refusal keeps it until the reviewer acts there.
"use strict";

const Review = (() => {
  let lastTicked = null; // the checkbox a shift-click ranges from

  function textColumn() {
    return document.getElementById("article-text");
  }

  function scrollWithin(container, element) {
    // Centre `element` in its own scrolling column, or in the window when the column
    // does not scroll (narrow screens, where the columns are stacked).
    const box = container.getBoundingClientRect();
    const target = element.getBoundingClientRect();
    if (container.scrollHeight > container.clientHeight + 1) {
      container.scrollTop += target.top - box.top - (container.clientHeight - target.height) / 2;
    }
  }

  // --- presence: tell the server which claim this reader is on -----------------------

  let presenceTimer = null;

  function announce(row) {
    const field = document.querySelector("[data-presence-claim]");
    if (!field || !row) return;
    const claim = row.id.replace("claim-", "");
    if (field.value === claim) return;
    field.value = claim;
    // One heartbeat after the reader settles on a row, not one per keypress.
    window.clearTimeout(presenceTimer);
    presenceTimer = window.setTimeout(() => document.body.dispatchEvent(new Event("wbpresence")), 300);
  }

  // The page closing (or going to another) says the reader left, so others stop seeing
  // them at once; a request with keepalive outlives the page.
  function onPageHide() {
    const beat = document.getElementById("presence-beat");
    const leave = beat && beat.dataset.leave;
    if (!leave) return;
    window.fetch(leave, { method: "POST", keepalive: true, credentials: "same-origin", headers: { "HX-Request": "true" } })
      .catch(() => {}); // the page is going; the heartbeat expires the reader anyway
  }

  // A row replaced by a live update keeps the keyboard where it was.
  let refocus = null;

  // A row that says why the reviewer's change was refused (a 409: someone changed the
  // claim first; a 422, with what they typed kept) is not replaced by a live update for
  // the same claim: the other reviewer's change that caused a 409 arrives as an event a
  // moment later, and swapping it in wiped the explanation before it could be read. The
  // row already shows the claim as it is now; the reviewer's next action there draws it
  // afresh, and its live updates resume.
  function showsRefusal(row) {
    return Boolean(row.querySelector(".flash[role=alert]"));
  }

  function onBeforeSseSwap(event) {
    const row = event.target;
    if (!(row instanceof Element) || !row.matches("li.claim")) return;
    if (showsRefusal(row)) {
      event.preventDefault();
      return;
    }
    if (row.contains(document.activeElement)) {
      refocus = { id: row.id, selected: row.classList.contains("is-selected") };
    }
  }

  function onSseMessage() {
    if (!refocus) return;
    const row = document.getElementById(refocus.id);
    if (row) {
      if (refocus.selected) row.classList.add("is-selected");
      row.focus({ preventScroll: true });
    }
    refocus = null;
  }

  function select(row, fromText) {
    if (!row) return;
    for (const old of document.querySelectorAll(".is-selected")) old.classList.remove("is-selected");
    row.classList.add("is-selected");
    announce(row);
    const passage = document.getElementById(row.id.replace("claim-", "passage-"));
    if (!passage) return;
    passage.classList.add("is-selected");
    if (!fromText) scrollWithin(textColumn(), passage);
  }

  function onPassageClick(event) {
    const passage = event.target instanceof Element && event.target.closest("a.hl[id^=passage-]");
    if (!passage || !textColumn() || !textColumn().contains(passage)) return;
    const row = document.getElementById(passage.id.replace("passage-", "claim-"));
    if (!row) return; // not on this page of claims: the link opens nothing else
    event.preventDefault();
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "center" });
    select(row, true);
  }

  function onRowFocus(event) {
    const row = event.target instanceof Element && event.target.closest("li.claim");
    if (row && !row.classList.contains("is-selected")) select(row, false);
  }

  // --- the panel under a row -------------------------------------------------------

  function panelOf(row) {
    return row && row.querySelector(".claim__panel");
  }

  function isOpen(row) {
    const panel = panelOf(row);
    return Boolean(panel && panel.childElementCount);
  }

  function closePanel(row) {
    const panel = panelOf(row);
    if (!panel) return;
    panel.replaceChildren();
    const more = row.querySelector(".claim__more");
    if (more) more.setAttribute("aria-expanded", "false");
  }

  // Open the row's panel (the row comes back with it open), then run `then` with it.
  function openPanel(row, then) {
    const more = row && row.querySelector(".claim__more");
    if (!more) return;
    if (isOpen(row)) {
      if (then) then(panelOf(row));
      return;
    }
    if (then) {
      const id = row.id;
      document.addEventListener("htmx:afterSettle", function opened(event) {
        if (!(event.target instanceof Element) || event.target.id !== id) return;
        document.removeEventListener("htmx:afterSettle", opened);
        then(panelOf(event.target));
      });
    }
    more.click();
  }

  function togglePanel(row) {
    if (isOpen(row)) closePanel(row); else openPanel(row);
  }

  // "n notes · n evidence" links to the claim's page; with htmx it opens the row's panel in
  // place (the row comes back from /claims/N/panel with it open), and a second click
  // closes it. The row carries no hx-get of its own: a page of 100 rows is lighter.
  function onMoreClick(event) {
    const more = event.target instanceof Element && event.target.closest("li.claim a.claim__more");
    if (!more || !window.htmx || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return; // a new tab
    event.preventDefault();
    const row = more.closest("li.claim");
    if (isOpen(row)) {
      closePanel(row);
      return;
    }
    window.htmx.ajax("GET", `${more.getAttribute("href")}/panel`, { source: more, target: row, swap: "outerHTML" });
  }

  // What only a script uses is added by the script (a page of 100 rows is lighter without
  // it): rows take focus (j/k, a clicked passage), say whether their panel is open (and
  // what closes it, in the reader's words), and on
  // a live page take their own server-sent event (others' changes to that claim). The
  // status buttons not pressed say so here too: without a script the pressed one alone
  // says aria-pressed, which still tells a screen reader the claim's status.
  // On the first load this runs before htmx reads the page; rows htmx adds later (the next
  // page of claims) are handed back to htmx once they have their event.
  function enhanceRows(root, afterHtmx) {
    if (!(root instanceof Element || root instanceof Document)) return;
    const found = root instanceof Element && root.matches("li.claim") ? [root] : root.querySelectorAll("li.claim");
    for (const row of found) {
      if (!row.hasAttribute("tabindex")) row.tabIndex = -1;
      const more = row.querySelector(".claim__more");
      if (more && !more.hasAttribute("aria-expanded")) more.setAttribute("aria-expanded", "false");
      // On a phone the open panel covers the screen under a bar that closes it (app.css).
      if (more && !more.dataset.closeWord) more.dataset.closeWord = Words.say("close");
      for (const button of row.querySelectorAll(".seg button:not([aria-pressed])")) button.setAttribute("aria-pressed", "false");
      if (!row.hasAttribute("sse-swap") && row.closest("[sse-connect]")) {
        row.setAttribute("sse-swap", row.id);
        if (afterHtmx && window.htmx) window.htmx.process(row);
      }
    }
  }

  // --- ticking rows ----------------------------------------------------------------

  function ticks() {
    return [...document.querySelectorAll("li.claim > input[type=checkbox]")];
  }

  function updateBulkBar() {
    const bar = document.getElementById("bulk");
    if (!bar) return;
    const all = bar.querySelector("[data-bulk-all]");
    const everything = all && all.checked;
    const count = everything ? Number(all.dataset.total) : ticks().filter((box) => box.checked).length;
    const counter = bar.querySelector("[data-bulk-count]");
    const verb = bar.querySelector("[data-bulk-verb]");
    const which = everything ? "Matching" : "Ticked";
    if (counter) counter.textContent = Words.say(count ? `bulk${which}` : "bulkNone", { num: count });
    if (verb) verb.textContent = Words.say(count ? `bulkVerb${which}` : "bulkVerbNone", { num: count });
    bar.classList.toggle("bulkbar--active", count > 0);
  }

  function onTickClick(event) {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.matches("li.claim > input[type=checkbox]")) return;
    const all = ticks();
    if (event.shiftKey && lastTicked && all.includes(lastTicked)) {
      const [from, to] = [all.indexOf(lastTicked), all.indexOf(box)].sort((a, b) => a - b);
      for (const other of all.slice(from, to + 1)) other.checked = box.checked;
    }
    lastTicked = box;
    updateBulkBar();
  }

  function toggleTick(row) {
    const box = row && row.querySelector("li.claim > input[type=checkbox]");
    if (!box) return;
    box.checked = !box.checked;
    lastTicked = box;
    updateBulkBar();
  }

  // One Undo in place at a time: the latest change's. Older ones would undo something
  // the reviewer has moved on from (the history still has every change).
  function onRowSettled(event) {
    const row = event.target;
    if (!(row instanceof Element) || !row.matches("li.claim") || !row.querySelector(".claim__undo")) return;
    for (const other of document.querySelectorAll("li.claim .claim__undo")) {
      if (!row.contains(other)) other.remove();
    }
  }

  function init() {
    document.addEventListener("click", onPassageClick);
    document.addEventListener("click", onTickClick);
    document.addEventListener("change", (event) => {
      if (event.target instanceof Element && event.target.matches("[data-bulk-all]")) updateBulkBar();
    });
    document.addEventListener("focusin", onRowFocus);
    document.addEventListener("click", onMoreClick);
    document.addEventListener("htmx:load", (event) => enhanceRows(event.target, true));
    enhanceRows(document, false);
    // A link to one claim (#claim-N, as a save without htmx redirects) starts there: the
    // row was not focusable when the browser went to it.
    const linked = location.hash.startsWith("#claim-") && document.getElementById(location.hash.slice(1));
    if (linked && linked.matches("li.claim")) linked.focus({ preventScroll: true });
    document.addEventListener("htmx:afterSettle", onRowSettled);
    document.addEventListener("htmx:sseBeforeMessage", onBeforeSseSwap);
    document.addEventListener("htmx:sseMessage", onSseMessage);
    window.addEventListener("pagehide", onPageHide);
    updateBulkBar();
  }

  document.addEventListener("DOMContentLoaded", init);
  return { select, openPanel, togglePanel, toggleTick };
})();
