// Knotwork's only script: move keyboard focus to an error summary so that screen-reader and
// keyboard users hear what went wrong. Everything works without it.
document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("form-errors");
    if (summary) { summary.focus(); }
});
