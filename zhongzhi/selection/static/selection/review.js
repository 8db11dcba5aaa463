// The reviewer's sheet by keyboard: in an idea's scores, a digit 1–5 gives that score
// on the current criterion and moves on to the next (after the last, to the comment);
// Ctrl+Enter in the comment saves the idea (htmx), and focus stays on that idea.
(function () {
  "use strict";
  function groupsOf(form) {
    return Array.from(form.querySelectorAll("[data-criterion]"));
  }

  function focusGroup(group) {
    const input = group.querySelector("input:checked") || group.querySelector("input");
    if (input) input.focus();
  }

  document.addEventListener("keydown", (event) => {
    const form = event.target.closest && event.target.closest("form.score-form");
    if (!form) return;
    if (event.target.tagName === "TEXTAREA") {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
      return;
    }
    if (!/^[1-5]$/.test(event.key) || event.ctrlKey || event.metaKey || event.altKey) return;
    const group = event.target.closest("[data-criterion]");
    if (!group) return;
    event.preventDefault();
    const radio = group.querySelector('input[value="' + event.key + '"]');
    if (radio) radio.checked = true;
    const groups = groupsOf(form);
    const next = groups[groups.indexOf(group) + 1];
    if (next) focusGroup(next);
    else form.querySelector("textarea").focus();
  });

  // After a save the idea is swapped in anew: put focus back into it.
  document.addEventListener("htmx:afterSwap", (event) => {
    const article = event.detail.target && document.getElementById(event.detail.target.id);
    const button = article && article.querySelector("button[type=submit]");
    if (button) button.focus();
  });
})();
