// htmx's settings, for every page. Deferred scripts run in document order, and htmx starts
// on DOMContentLoaded, so this runs after htmx has loaded and before it reads the page.
// (They were a <meta name="htmx-config"> of 640 bytes on every page before.)
//
// htmx runs under a strict CSP: no eval, no inline styles or scripts, requests only to
// this site, and it never runs <script> tags found in swapped content. 409 and 422
// responses carry the claim as it is now, so they are swapped in like a success. It
// settles no style attribute: that would be an inline style, which the CSP refuses.
// The object below is plain JSON on one line: tests/security reads it from this file.
"use strict";
(() => {
  const CONFIG = {"selfRequestsOnly":true,"allowScriptTags":false,"allowEval":false,"includeIndicatorStyles":false,"historyCacheSize":0,"attributesToSettle":["class","width","height"],"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},{"code":"409","swap":true,"error":false},{"code":"422","swap":true,"error":false},{"code":"[45]..","swap":true,"error":true,"target":"#messages"}]};
  if (window.htmx) Object.assign(window.htmx.config, CONFIG);
})();
