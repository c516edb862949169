// Small enhancements on top of pages that work without JavaScript.
// - A form with a bare hx-post posts (htmx) to its own action: a page of claim rows would
//   otherwise carry every status form's URL twice.
// - Full text view: selecting a passage fills the "add a claim" form with its exact offsets.
"use strict";

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
