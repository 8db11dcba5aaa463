// The to-assign queue's keyboard: j / k move, x selects, y accepts the proposal of the
// current row (or of the selected rows), o opens it.
(function () {
  "use strict";
  let index = 0;
  const rows = () => Array.from(document.querySelectorAll("#queue tr.queue-row"));
  const box = (row) => row.querySelector("input[name=item]");

  function mark() {
    const all = rows();
    index = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((row, i) => row.classList.toggle("current", i === index));
    if (all[index]) all[index].scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, select, textarea") || event.ctrlKey || event.metaKey || event.altKey) return;
    const row = rows()[index];
    const keys = {
      j: () => { index += 1; mark(); },
      k: () => { index -= 1; mark(); },
      x: () => { if (row) box(row).checked = !box(row).checked; },
      o: () => { if (row) window.location = row.dataset.url; },
      y: () => {
        if (!row) return;
        const form = document.getElementById("assign-form");
        if (!rows().some((r) => box(r).checked)) box(row).checked = true;
        const accept = document.createElement("input");
        accept.type = "hidden";
        accept.name = "accept";
        accept.value = "1";
        form.appendChild(accept);
        form.submit();
      },
    };
    if (keys[event.key]) {
      event.preventDefault();
      keys[event.key]();
    }
  });
  document.addEventListener("DOMContentLoaded", mark);
})();
