// Knotwork pain map: progressive enhancement for the body map (Views/BodyMapSVG.swift).
// Without this script a region link jumps to the form row "#mark-<code>"; with it, the row is
// opened if it sits in a closed <details>, its intensity input gets focus, and the region is
// outlined as selected. No eval, no inline handlers: safe under script-src 'self'.
(function () {
    "use strict";

    function regionLink(target) {
        var el = target && target.nodeType === 1 ? target : target && target.parentNode;
        var link = el && el.closest ? el.closest("a[data-region-link]") : null;
        return link && link.closest("svg.bodymap") ? link : null;
    }

    function select(link) {
        var map = link.closest("svg.bodymap");
        var old = map.querySelectorAll(".region.selected");
        for (var i = 0; i < old.length; i++) { old[i].classList.remove("selected"); }
        var region = link.querySelector(".region");
        if (region) { region.classList.add("selected"); }
    }

    document.addEventListener("click", function (event) {
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
        var link = regionLink(event.target);
        if (!link) { return; }
        var row = document.getElementById("mark-" + link.getAttribute("data-region-link"));
        if (!row) { return; } // no form on this page: let the link do its job
        for (var el = row; el; el = el.parentElement) {
            if (el.tagName === "DETAILS" && !el.open) { el.open = true; }
        }
        var input = row.querySelector("[data-intensity]");
        var target = input || row;
        if (!input && !row.hasAttribute("tabindex")) { row.setAttribute("tabindex", "-1"); }
        event.preventDefault();
        select(link);
        row.scrollIntoView({ block: "center" });
        target.focus({ preventScroll: true });
        if (input && typeof input.select === "function" && input.value) { input.select(); }
    });
})();
