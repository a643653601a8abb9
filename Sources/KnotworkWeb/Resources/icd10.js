// Suggests codes from the whole ICD-10-CM set as a diagnosis is typed: the page's list holds only the clinic's
// favourites. Without this script any code can still be typed; the server checks it either way.
(function () {
    var timer = null;
    var asked = "";
    function refresh(input) {
        var list = document.getElementById(input.getAttribute("list"));
        var q = input.value.trim();
        if (!list || q.length < 2 || q === asked) { return; }
        asked = q;
        var url = "/api/v1/catalog/icd10?limit=20&q=" + encodeURIComponent(q);
        var dateField = document.getElementById(list.getAttribute("data-date-field") || "");
        if (dateField && /^\d{4}-\d{2}-\d{2}$/.test(dateField.value)) { url += "&on=" + dateField.value; }
        fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
            .then(function (r) { return r.ok ? r.json() : null; })
            .then(function (data) {
                if (!data || input.value.trim() !== q) { return; }
                var options = data.items.filter(function (c) { return c.validOnDate; }).map(function (c) {
                    var o = document.createElement("option");
                    o.value = c.code;
                    o.textContent = c.description;
                    return o;
                });
                list.replaceChildren.apply(list, options);
            })
            .catch(function () { /* the favourites stay; the server still checks the code */ });
    }
    document.addEventListener("input", function (e) {
        var t = e.target;
        if (!t.matches || !t.matches("input[list='icd10-codes']")) { return; }
        clearTimeout(timer);
        timer = setTimeout(function () { refresh(t); }, 200);
    });
})();
