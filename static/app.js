// Small enhancements on top of pages that work without JavaScript.
// - A form with a bare hx-post posts (htmx) to its own action: a page of claim rows would
//   otherwise carry every status form's URL twice.
// - Full text view: selecting a passage fills the "add a claim" form with its exact offsets.
// - Words: what the scripts show or announce, in the reader's language, from the page.
"use strict";

// The scripts hold no words of their own: the page carries them, translated, on
// <body data-interface-words> (workbench/web/interface_words.py). say("statusSet",
// {position: 3, status: "sourced"}) fills in the %(name)s values; a counted word
// ({one, other}) is picked by values.num.
const Words = (() => {
  let table = null;

  function words() {
    if (table === null) {
      try {
        table = JSON.parse(document.body.dataset.interfaceWords || "{}");
      } catch (_) {
        table = {};
      }
    }
    return table;
  }

  function say(key, values = {}) {
    let text = words()[key];
    if (text && typeof text === "object") text = values.num === 1 ? text.one : text.other;
    if (typeof text !== "string") return "";
    return text.replace(/%(?:\((\w+)\)[sd]|%)/g, (match, name) => (name ? String(values[name] ?? "") : "%"));
  }

  // A word from a table of the page's words: say("status", ...) is a table, not a text.
  function named(table, key) {
    const entries = words()[table];
    return (entries && typeof entries[key] === "string") ? entries[key] : key;
  }

  return { say, named };
})();

document.addEventListener("htmx:configRequest", (event) => {
  const form = event.detail.elt;
  if (form instanceof HTMLFormElement && form.getAttribute("hx-post") === "") {
    event.detail.path = form.getAttribute("action");
  }
});

function offsetWithin(root, node, offset) {
  // Characters of root's text before (node, offset): the article offset of that point.
  const range = document.createRange();
  range.selectNodeContents(root);
  range.setEnd(node, offset);
  return range.toString().length;
}

function trackSelection() {
  const article = document.getElementById("fulltext");
  const passage = document.getElementById("selection-passage");
  if (!article || !passage) return;
  document.addEventListener("selectionchange", () => {
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    if (!article.contains(range.startContainer) || !article.contains(range.endContainer)) return;
    document.getElementById("selection-start").value = offsetWithin(article, range.startContainer, range.startOffset);
    document.getElementById("selection-end").value = offsetWithin(article, range.endContainer, range.endOffset);
    passage.value = range.toString();
  });
  // Typing a passage by hand makes the last selection's offsets stale.
  passage.addEventListener("input", () => {
    document.getElementById("selection-start").value = "";
    document.getElementById("selection-end").value = "";
  });
}

document.addEventListener("DOMContentLoaded", trackSelection);
