// Keyboard-first review: j/k move between claims, s/d/u set a status
// and move on, n adds a note, e adds evidence, o opens or closes the claim's panel, x ticks
// it for a bulk change, z undoes the last change offered for undo, / goes to search, ?
// lists the keys.
// A status is set by clicking the row's own button, so the request is the one a mouse
// click makes (htmx, or a plain form post without it).
(() => {
  "use strict";
  const STATUS_KEYS = { s: "sourced", d: "disputed", u: "unverified" };
  const REVIEW_KEYS = ["j", "k", "s", "d", "u", "n", "e", "o", "x"];
  let currentId = null;     // id of the claim row under review: the last one focus was in
  let advanceId = null;     // row whose status change is on its way; then focus moves on
  let loadingAfter = null;  // row to move on from once the next page of claims has loaded
  let queued = [];          // review keys typed while a status change was on its way
  const pendingStatus = new Map(); // row id -> status asked for, announced once swapped in

  const rows = () => [...document.querySelectorAll("li.claim")];

  function currentRow() {
    const focused = document.activeElement && document.activeElement.closest("li.claim");
    return focused || (currentId && document.getElementById(currentId));
  }

  // The row read from the keyboard shows its whole claim (app.css) until another row is
  // read, or a click lands elsewhere: not when focus moves on a mouse press, which would
  // move the rows under the pointer before the click.
  let readingId = null;

  function markReading(row) {
    readingId = row ? row.id : null;
    for (const other of document.querySelectorAll("li.claim.is-reading")) {
      if (other !== row) other.classList.remove("is-reading");
    }
    if (row) row.classList.add("is-reading");
  }

  // `read`: the reviewer moved here from the keyboard; false when focus only comes back
  // to a row swapped in after a click.
  function focusRow(row, read = true) {
    currentId = row.id;
    if (read) markReading(row);
    row.tabIndex = -1; // review.js makes rows focusable; a row swapped in a moment ago may not be yet
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function announce(text) {
    const region = document.getElementById("keys-status");
    if (!region) return;
    // Emptied first so the same words twice in a row are read out again.
    region.textContent = "";
    window.setTimeout(() => { region.textContent = text; }, 50);
  }

  function move(step) {
    const all = rows();
    const row = currentRow();
    if (!row || !all.includes(row)) {
      if (all.length) focusRow(all[0]);
      return;
    }
    const next = all[all.indexOf(row) + step];
    if (next) {
      focusRow(next);
    } else if (step > 0) {
      // Past the last loaded row: bring the "more" row into view; htmx loads it when revealed.
      const more = document.querySelector("li.claims__more");
      if (more) {
        loadingAfter = row.id;
        more.scrollIntoView({ block: "end" });
      }
    }
  }

  function setStatus(row, status) {
    const form = row.querySelector("form.seg");
    const button = form && form.querySelector(`button[name=status][value=${status}]`);
    if (!button || form.classList.contains("htmx-request")) return;
    advanceId = row.id;
    button.click();
  }

  // Notes and evidence live in the row's panel: open it (loading it once), then the field.
  function openTool(row, fieldSelector, detailsSelector) {
    Review.openPanel(row, (panel) => {
      const details = detailsSelector && panel.querySelector(detailsSelector);
      if (details) details.open = true;
      const field = panel.querySelector(fieldSelector);
      if (field) field.focus();
    });
  }

  function undoLast() {
    // The newest Undo on the page: the one in a row just changed, or the flash message's.
    const buttons = [...document.querySelectorAll("[data-undo]")];
    const button = buttons[buttons.length - 1];
    if (button) button.click();
  }

  function review(key) {
    const row = currentRow();
    if (key === "j" || key === "k") {
      move(key === "j" ? 1 : -1);
    } else if (!row) {
      return;
    } else if (Object.hasOwn(STATUS_KEYS, key)) {
      setStatus(row, STATUS_KEYS[key]);
    } else if (key === "n") {
      openTool(row, "textarea[name=body]");
    } else if (key === "e") {
      openTool(row, "input[name=url]", "details.add-evidence");
    } else if (key === "o") {
      Review.togglePanel(row);
    } else if (key === "x") {
      Review.toggleTick(row);
    }
  }

  function replayQueued() {
    while (queued.length && !advanceId && !isTyping(document.activeElement)) {
      review(queued.shift());
    }
    if (!advanceId) queued = []; // what was left was meant for a field that is now open
  }

  // The list of keys is fetched the first time it is asked for: pages stay lighter, and
  // without JavaScript there are no shortcuts to list.
  function showHelp() {
    const dialog = document.getElementById("keys-help");
    if (dialog) {
      if (!dialog.open) dialog.showModal();
      return;
    }
    fetch("/help/keys", { credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        document.body.insertAdjacentHTML("beforeend", html);
        showHelp();
      })
      .catch(() => announce(Words.say("keysUnavailable")));
  }

  function isTyping(target) {
    return target instanceof Element &&
      (target.isContentEditable || target.closest("input, textarea, select") !== null);
  }

  // In a claim's note or evidence box: Ctrl+Enter saves it, Esc closes it.
  function onFieldKey(event) {
    const field = event.target;
    const row = field.closest("li.claim");
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && field.matches("textarea") && field.form) {
      event.preventDefault();
      field.form.requestSubmit();
    } else if (event.key === "Escape" && row) {
      event.preventDefault();
      const details = field.closest("details[open]");
      if (details) details.open = false;
      focusRow(row);
    }
  }

  function onKey(event) {
    if (event.defaultPrevented) return;
    if (isTyping(event.target)) {
      onFieldKey(event);
      return;
    }
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    if (document.querySelector("dialog[open]")) return;
    const key = event.key;
    const search = document.getElementById("search-input");
    if (key === "?") {
      showHelp();
    } else if (key === "/" && search) {
      search.focus();
    } else if (key === "z") {
      undoLast();
    } else if (REVIEW_KEYS.includes(key) && !(event.repeat && Object.hasOwn(STATUS_KEYS, key))) {
      if (advanceId) queued.push(key); else review(key);
    } else {
      return;
    }
    event.preventDefault();
  }

  function onClick(event) {
    if (!(event.target instanceof Element)) return;
    const reading = document.querySelector("li.claim.is-reading");
    if (reading && !reading.contains(event.target)) markReading(null);
    const button = event.target.closest("li.claim button[name=status]");
    if (button) pendingStatus.set(button.closest("li.claim").id, button.value);
    if (event.target.closest("[data-keys-help]")) showHelp();
  }

  // htmx replaced a row with the server's answer (same id): announce a new status, keep
  // focus on the row, and after s/d/u move on to the next one.
  function onSettled(event) {
    const row = event.target;
    if (!(row instanceof Element) || !row.matches("li.claim")) return;
    if (row.id === readingId) row.classList.add("is-reading"); // the swapped-in row is the one read
    const status = pendingStatus.get(row.id);
    pendingStatus.delete(row.id);
    const saved = Boolean(status) && row.classList.contains(`claim--${status}`);
    if (saved) {
      const position = row.querySelector(".claim__pos").textContent;
      announce(Words.say("statusSet", { position, status: Words.named("status", status) }));
    }

    const advancing = row.id === advanceId;
    if (advancing) advanceId = null;
    const before = loadingAfter && document.getElementById(loadingAfter);
    if (before && before.nextElementSibling && before.nextElementSibling.matches("li.claim")) {
      loadingAfter = null; // the next page of claims has arrived
      focusRow(before.nextElementSibling);
    } else if (row.id === currentId && advancing && saved) {
      focusRow(row);
      move(1);
    } else if (row.id === currentId && (!document.activeElement || document.activeElement === document.body)) {
      focusRow(row, false); // the focused element went with the old row
    } else if (row.id === currentId && savedFromPanel(event)) {
      focusRow(row, false); // a note or evidence saved: back to the row, not the emptied field
    }
    // Keys typed meanwhile apply now, unless the change was refused: the row says why.
    if (advancing && !saved) queued = [];
    if (advancing) replayQueued();
  }

  // True when a form in the row's panel was saved (not refused: then its field keeps focus,
  // with the reason beside it).
  function savedFromPanel(event) {
    const detail = event.detail || {};
    const form = detail.requestConfig && detail.requestConfig.elt;
    return form instanceof Element && form.matches(".claim__panel form") &&
      detail.xhr && detail.xhr.status === 200;
  }

  function onFailed() {
    advanceId = null;
    queued = [];
    pendingStatus.clear();
  }

  document.addEventListener("keydown", onKey);
  document.addEventListener("click", onClick);
  document.addEventListener("focusin", (event) => {
    const row = event.target instanceof Element && event.target.closest("li.claim");
    if (row) currentId = row.id;
  });
  document.addEventListener("htmx:afterSettle", onSettled);
  // A request that failed leaves the row as it was: nothing to announce or move on from.
  document.addEventListener("htmx:responseError", onFailed);
  document.addEventListener("htmx:sendError", onFailed);
  document.addEventListener("DOMContentLoaded", () => {
    for (const hint of document.querySelectorAll("[data-keys-help]")) hint.hidden = false;
  });
})();
