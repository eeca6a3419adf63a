/*
 * DSPT improvement plans: start NHS.UK frontend components.
 *
 * nhsuk-frontend 10 ships an ES module, so this file is loaded with type="module" (deferred,
 * after htmx and portal.js). initAll() finds every [data-module="nhsuk-..."] element; content
 * that htmx swaps in later is initialised from the htmx:load event.
 */
import { initAll, InitError } from "../vendor/nhsuk-frontend-10.6.1/nhsuk-frontend.min.js";

function ignoreAlreadyInitialised(error) {
  if (!(error instanceof InitError)) {
    console.error(error);
  }
}

initAll({ onError: ignoreAlreadyInitialised });

document.addEventListener("htmx:load", (event) => {
  const element = event.detail && event.detail.elt;
  if (!element || element === document.body) {
    return; // the whole page was initialised above
  }
  // The swapped element may itself be a component root: search from its parent, skipping
  // components that are already running.
  initAll({ scope: element.parentElement || element, onError: ignoreAlreadyInitialised });
});
