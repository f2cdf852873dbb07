// Starts pagefind's search UI; a separate file because the CSP forbids
// inline scripts. ?q= pre-fills the search so results can be linked to.
// A large site's index comes in several bundles (sitebuild/search.py), listed
// in pagefind/sim-bundles.json; pagefind merges them into one result list.
(function () {
  "use strict";
  var root = document.querySelector("[data-search-root]");
  if (!root || typeof PagefindUI === "undefined") {
    return;
  }
  var base = root.getAttribute("data-search-base") || "/";

  function start(extraBundles) {
    var ui = new PagefindUI({
      element: "#" + root.id,
      showImages: false,
      resetStyles: false,
      mergeIndex: extraBundles.map(function (path) {
        return { bundlePath: base + path };
      }),
      translations: { placeholder: "Sök på webbplatsen" }
    });
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) {
      ui.triggerSearch(query);
    }
  }

  fetch(base + "pagefind/sim-bundles.json")
    .then(function (response) {
      return response.ok ? response.json() : { merge: [] };
    })
    .then(function (bundles) {
      start(Array.isArray(bundles.merge) ? bundles.merge : []);
    }, function () {
      start([]);
    });
})();
