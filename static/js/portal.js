/*
 * DSPT improvement plans: htmx set-up.
 *
 * Loaded with `defer` straight after htmx, so it runs before htmx initialises the page
 * (htmx waits for DOMContentLoaded). No inline script or style anywhere: the CSP forbids them.
 */
(function () {
  "use strict";

  var htmx = window.htmx;
  if (!htmx) {
    return;
  }

  var SERVER_ERROR =
    "Sorry, there is a problem with the service. Your changes have not been lost – try again.";
  var NETWORK_ERROR =
    "Sorry, we could not connect to the service. Your changes have not been lost – check your connection and try again.";
  var REQUEST_ERROR =
    "Sorry, that did not work. Your changes have not been lost – reload the page and try again.";

  var config = htmx.config;
  // The CSP has no 'unsafe-inline' for styles: indicator styles live in portal.css instead.
  config.includeIndicatorStyles = false;
  // The CSP has no 'unsafe-eval': this also means no hx-on:*, no trigger filters, no js: values.
  config.allowEval = false;
  // Fragments never carry scripts; anything else would be blocked by the CSP anyway.
  config.allowScriptTags = false;
  config.selfRequestsOnly = true;
  // Signed-in pages are no-store: do not copy them into sessionStorage for the back button,
  // and reload from the server on back/forward instead.
  config.historyCacheSize = 0;
  config.refreshOnHistoryMiss = true;
  // 422 carries the re-rendered fragment with its error messages (live validation), so swap
  // it; other 4xx and all 5xx are not swapped and show a message instead (see below).
  config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "422", swap: true, error: false },
    // 409: someone else saved the row first; the fragment shows both versions.
    { code: "409", swap: true, error: false },
    { code: "[45]..", swap: false, error: true }
  ];

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : null;
  }

  // Flask-WTF checks this header on every state-changing request.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  function errorRegion() {
    return document.getElementById("app-htmx-error");
  }

  function showError(message) {
    var region = errorRegion();
    if (!region) {
      return;
    }
    var box = document.createElement("div");
    box.className = "nhsuk-error-summary app-htmx-error__summary";
    var heading = document.createElement("h2");
    heading.className = "nhsuk-error-summary__heading";
    heading.textContent = "There is a problem";
    var body = document.createElement("div");
    body.className = "nhsuk-error-summary__body";
    var text = document.createElement("p");
    text.textContent = message;
    body.appendChild(text);
    box.appendChild(heading);
    box.appendChild(body);
    region.replaceChildren(box);
  }

  function clearError() {
    var region = errorRegion();
    if (region && region.firstChild) {
      region.replaceChildren();
    }
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    showError(xhr && xhr.status >= 500 ? SERVER_ERROR : REQUEST_ERROR);
  });
  document.addEventListener("htmx:sendError", function () {
    showError(NETWORK_ERROR);
  });
  document.addEventListener("htmx:timeout", function () {
    showError(NETWORK_ERROR);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) {
      clearError();
    }
  });
})();
