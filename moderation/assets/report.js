// moderate report: the filters. The page works without this script (the tree folds with
// <details>); the script only sets body[data-show], which CSS rules turn into what is shown.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) return;
  form.hidden = false;
  var out = document.getElementById("shown");
  var total = document.querySelectorAll("li.c").length;

  function selectorFor(value) {
    return value === "any" ? "li.c[data-f]" : 'li.c[data-f~="' + value + '"]';
  }

  function apply() {
    var checked = form.querySelector('input[name="show"]:checked');
    var value = checked ? checked.value : "all";
    document.body.setAttribute("data-show", value);
    if (value === "all") {
      out.textContent = "all " + total + " shown";
      return;
    }
    var sel = selectorFor(value);
    // Unfold every subtree that holds a match, so nothing that matches stays folded away
    // (each element is visited once: linear even for thousands of comments).
    var matches = document.querySelectorAll(sel);
    var seen = new Set();
    matches.forEach(function (li) {
      for (var el = li.parentElement; el && !seen.has(el); el = el.parentElement) {
        seen.add(el);
        if (el.tagName === "DETAILS") el.open = true;
      }
    });
    var n = matches.length;
    out.textContent = n + " of " + total + " flagged" + (value === "any" ? "" : " " + value);
  }

  function fold(open) {
    document.querySelectorAll("details.replies").forEach(function (d) { d.open = open; });
  }

  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  document.getElementById("expand-all").addEventListener("click", function () { fold(true); });
  document.getElementById("collapse-all").addEventListener("click", function () { fold(false); });
  apply();
})();
