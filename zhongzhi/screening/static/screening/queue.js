// The screening queue's keyboard: people who screen hundreds a day never reach for
// the mouse. Keys act on the selected rows, or on the current one when none is.
(function () {
  "use strict";
  let index = 0;
  const root = () => document.getElementById("queue");
  const rows = () => Array.from(root().querySelectorAll("tr.queue-row"));
  const box = (row) => row.querySelector("input[name=item]");
  const form = () => root().querySelector("#queue-form");
  const field = (name) => form().querySelector("[name=" + name + "]");

  function mark() {
    const all = rows();
    index = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((row, i) => row.classList.toggle("current", i === index));
    if (all[index]) {
      all[index].scrollIntoView({ block: "nearest" });
    }
  }

  function chosen() {
    return rows().filter((row) => box(row) && box(row).checked);
  }

  function submit(decision) {
    if (!field("decision")) return; // a reader: no decisions on this page
    if (!chosen().length) {
      const row = rows()[index];
      if (!row) return;
      box(row).checked = true;
    }
    field("decision").value = decision;
    // Explicitly through htmx: a form swapped in a moment ago may not be wired yet.
    window.htmx.ajax("POST", form().action, { source: form(), target: "#queue", swap: "innerHTML" });
  }

  // A decision that needs a reason, a reply or a target: fill it in, then Enter.
  function ask(decision, name, hint) {
    if (!field("decision")) return;
    field("decision").value = decision;
    const input = field(name);
    if (name === "reason") {
      const group = input.querySelector("optgroup[data-kind=" + decision + "]");
      if (group && group.querySelector("option")) input.value = group.querySelector("option").value;
    }
    form().querySelector("[data-hint]").textContent = hint;
    input.focus();
  }

  document.addEventListener("keydown", (event) => {
    if (!root() || !form()) return;
    const target = event.target;
    if (target.closest("input, select, textarea")) {
      if (event.key === "Escape") {
        target.blur();
      } else if (
        event.key === "Enter" &&
        target.closest("#decision-bar") &&
        (target.tagName !== "TEXTAREA" || event.ctrlKey)
      ) {
        event.preventDefault();
        submit(field("decision").value);
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const hint = form().querySelector("[data-hint]");
    const keys = {
      j: () => { index += 1; mark(); },
      ArrowDown: () => { index += 1; mark(); },
      k: () => { index -= 1; mark(); },
      ArrowUp: () => { index -= 1; mark(); },
      x: () => { const row = rows()[index]; if (row && box(row)) box(row).checked = !box(row).checked; },
      o: () => { const row = rows()[index]; if (row) window.location = row.dataset.url; },
      Enter: () => { const row = rows()[index]; if (row) window.location = row.dataset.url; },
      v: () => submit("accept"),
      e: () => submit("excellent"),
      a: () => submit("adopt"),
      i: () => ask("invalid", "reason", hint.dataset.reason),
      n: () => ask("not_adopt", "reason", hint.dataset.reason),
      r: () => ask("answer", "reply", hint.dataset.reply),
      m: () => {
        if (chosen().length > 1) submit("merge");
        else ask("merge", "merge_into", hint.dataset.merge);
      },
      g: () => { const group = field("whole_group"); if (group) group.checked = !group.checked; },
      Escape: () => { chosen().forEach((row) => { box(row).checked = false; }); if (hint) hint.textContent = ""; },
    };
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-reply-template]") && event.target.value) {
      field("reply").value = event.target.value;
    }
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.target.id === "queue") mark();
  });
  document.addEventListener("DOMContentLoaded", mark);
})();
