// Passkeys (WebAuthn) on the login, second-step and security pages: ask the server for
// the ceremony's options, let the browser's authenticator answer, post its answer back
// as JSON in a form field. Forms marked data-passkey-* stay hidden where the browser
// has no WebAuthn; everything else on those pages works without this script.
"use strict";

(() => {
  const toBytes = (text) => {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (char) => char.charCodeAt(0)).buffer;
  };
  const toText = (buffer) =>
    btoa(String.fromCharCode(...new Uint8Array(buffer)))
      .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

  async function post(url, fields) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields || {}),
    });
    let body = {};
    try { body = await response.json(); } catch (_) { /* an error page */ }
    if (!response.ok && !body.error) body.error = `The server answered ${response.status}.`;
    return body;
  }

  function credentialJSON(credential) {
    const answer = credential.response;
    const response = { clientDataJSON: toText(answer.clientDataJSON) };
    if (answer.attestationObject) {
      response.attestationObject = toText(answer.attestationObject);
      response.transports = answer.getTransports ? answer.getTransports() : [];
    } else {
      response.authenticatorData = toText(answer.authenticatorData);
      response.signature = toText(answer.signature);
      if (answer.userHandle) response.userHandle = toText(answer.userHandle);
    }
    return JSON.stringify({
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response,
      clientExtensionResults: credential.getClientExtensionResults(),
    });
  }

  async function signIn(form) {
    const options = await post(form.dataset.options);
    if (options.error) throw new Error(options.error);
    options.challenge = toBytes(options.challenge);
    (options.allowCredentials || []).forEach((allowed) => { allowed.id = toBytes(allowed.id); });
    const credential = await navigator.credentials.get({ publicKey: options });
    return post(form.action, { credential: credentialJSON(credential), next: form.elements.next.value });
  }

  async function register(form) {
    const options = await post(form.dataset.options);
    if (options.error) throw new Error(options.error);
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    (options.excludeCredentials || []).forEach((known) => { known.id = toBytes(known.id); });
    const credential = await navigator.credentials.create({ publicKey: options });
    return post(form.action, { credential: credentialJSON(credential), name: form.elements.name.value });
  }

  function wire(form, ceremony) {
    form.hidden = false;
    const error = form.querySelector("[data-passkey-error]");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.hidden = true;
      try {
        const answer = await ceremony(form);
        if (answer.error) throw new Error(answer.error);
        window.location.assign(answer.location);
      } catch (problem) {
        // The page gives the words in its reader's language (data-cancelled).
        error.textContent = problem.name === "NotAllowedError"
          ? error.dataset.cancelled || "The passkey request was cancelled or timed out."
          : problem.message;
        error.hidden = false;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!window.PublicKeyCredential) return;
    document.querySelectorAll("form[data-passkey-sign-in]").forEach((form) => wire(form, signIn));
    document.querySelectorAll("form[data-passkey-register]").forEach((form) => wire(form, register));
  });
})();
