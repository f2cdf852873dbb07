// Starts pagefind's search UI; a separate file because the CSP forbids
// inline scripts. ?q= pre-fills the search so results can be linked to.
(function () {
  "use strict";
  var root = document.querySelector("[data-search-root]");
  if (!root || typeof PagefindUI === "undefined") {
    return;
  }
  var ui = new PagefindUI({
    element: "#" + root.id,
    showImages: false,
    resetStyles: false,
    translations: { placeholder: "Sök på webbplatsen" }
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    ui.triggerSearch(query);
  }
})();
