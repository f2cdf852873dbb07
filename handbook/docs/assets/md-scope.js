// Material's bundle expects these four helpers, which it normally defines in an
// inline script. The site's Content-Security-Policy forbids inline scripts, and
// the handbook stores nothing in the browser, so the helpers live in this file
// and keep their state in memory for the current page only.
(function () {
  "use strict";
  // This file is served from <handbook>/assets/, so its parent is the handbook root.
  var handbookRoot = new URL("../", document.currentScript.src);
  var remembered = {};

  function storageKey(name, scope) {
    return (scope || handbookRoot).pathname + "." + name;
  }

  window.__md_scope = handbookRoot;

  window.__md_hash = function (text) {
    var hash = 0;
    for (var i = 0; i < text.length; i++) {
      hash = (hash << 5) - hash + text.charCodeAt(i);
    }
    return hash;
  };

  window.__md_get = function (name, _storage, scope) {
    var key = storageKey(name, scope);
    return Object.prototype.hasOwnProperty.call(remembered, key)
      ? JSON.parse(remembered[key])
      : null;
  };

  window.__md_set = function (name, value, _storage, scope) {
    remembered[storageKey(name, scope)] = JSON.stringify(value);
  };
})();
