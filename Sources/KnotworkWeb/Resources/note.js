// Knotwork session note: keep the draft as the therapist goes. Every 20 seconds after a change, the form is
// saved as a draft in the background (the page's idempotency key names the same note each time, so nothing is
// created twice); the buttons still save and sign as usual. No eval, no inline handlers (script-src 'self').
(function () {
    "use strict";
    var form = document.getElementById("note-form");
    if (!form || !window.fetch || !window.FormData) { return; }
    var status = document.getElementById("autosave-status");
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    window.setInterval(function () {
        if (!dirty) { return; }
        dirty = false;
        var data = new URLSearchParams(new FormData(form));
        data.set("intent", "draft");
        fetch(form.action, { method: "POST", body: data, credentials: "same-origin", redirect: "follow" })
            .then(function (r) { if (status) { status.textContent = r.ok ? "Draft saved " + new Date().toLocaleTimeString() : "Draft not saved: " + r.status; } })
            .catch(function () { dirty = true; if (status) { status.textContent = "Offline: the draft will be saved when the connection returns."; } });
    }, 20000);
})();
